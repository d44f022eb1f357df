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
# The JVM's flags are in jvm.options (why each one, and how to add or change them), given on the
# java command line: set in JDK_JAVA_OPTIONS, they made the launcher print a NOTE on every start.
# JDK_JAVA_OPTIONS and JAVA_TOOL_OPTIONS are left to users: -e JDK_JAVA_OPTIONS=... adds flags.
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
ENTRYPOINT ["java", "@/opt/dtr-exporter/jvm.options", "-jar", "/opt/dtr-exporter/dtr-exporter.jar"]
