package io.dtrexporter.config;

/** HTTP Basic credentials for a DTR: a user and its password or access token. */
public record BasicAuth(String username, Secret<String> password) {
}
