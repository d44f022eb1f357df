# Multi-stage build: Maven builds the jar, a JRE runs it as a non-root user.
#   docker build -t dtr-exporter .
#   docker run -p 9580:9580 -v $PWD/exporter.yml:/etc/dtr-exporter/exporter.yml:ro dtr-exporter
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src ./src
# the tests run in CI (.ci/run); the image build only packages
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre-jammy
COPY --from=build /src/target/dtr-exporter.jar /opt/dtr-exporter/dtr-exporter.jar
COPY exporter.yml /etc/dtr-exporter/exporter.yml
# nobody:nogroup; the exporter writes no files
USER 65534:65534
EXPOSE 9580
# The JVM's flags are in jvm.options (why each one), given on the java command line: set in
# JDK_JAVA_OPTIONS, they made the launcher print a NOTE on every start. Users' flags go in JAVA_OPTS
# (-e JAVA_OPTS=...), which comes after jvm.options, so a user's flag wins where both set one.
COPY jvm.options /opt/dtr-exporter/jvm.options
# glibc gives each thread that mallocs its own arena; the JIT's and TLS's native memory then stays
# spread over many arenas. Two arenas: the benchmark's peak RSS under load drops by ~10 MiB.
ENV MALLOC_ARENA_MAX=2
# The default --config.file (exporter.yml) is read from here: /etc/dtr-exporter/exporter.yml. It is
# not named on the command line, so the old exporter's `docker run -e CONNECTION_STRING=...` still
# works: its module default then takes the place of the example's.
WORKDIR /etc/dtr-exporter
# No CMD: the exporter listens on :9580 by default, and a --web.listen-address here would make the
# old exporter's -e PORT=... silently lose, and its --port flag an error.
# A shell only to split JAVA_OPTS into words (set -f: no file-name globbing); exec leaves java as the
# container's main process, so it gets the SIGTERM of `docker stop`. "$@" passes the exporter's flags
# (docker run ... dtr-exporter --log.level=debug) as they were given.
ENTRYPOINT ["/bin/sh", "-c", "set -f; exec java @/opt/dtr-exporter/jvm.options $JAVA_OPTS -jar /opt/dtr-exporter/dtr-exporter.jar \"$@\"", "dtr-exporter"]
