# The loadstream image: the distribution that `./mvnw package` assembles in cli/target, on a Java 17 runtime.
#
#   ./mvnw -B -DskipTests package        # builds cli/target/loadstream-VERSION/
#   docker build -t loadstream:local .   # or: docker compose build
#   docker run --rm loadstream:local --help
#
# The image holds nothing but the distribution (see .dockerignore): build it first. Every loadstream command is
# available; the compose stack (docker-compose.yml) runs demo-target, generate, aggregate and report from it.
FROM eclipse-temurin:17-jre

# The project version; the distribution directory is named after it (cli/pom.xml, maven-assembly-plugin
# finalName loadstream-${project.version}). ComposeFileTest checks that the two agree.
ARG VERSION=0.1.0-SNAPSHOT

# A user of its own, so that nothing runs as root; the state directory and /results belong to it, so named
# volumes mounted there are writable.
RUN useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin loadstream \
    && mkdir -p /var/lib/loadstream/state /results \
    && chown loadstream:loadstream /var/lib/loadstream/state /results

COPY cli/target/loadstream-${VERSION}/ /opt/loadstream/

USER loadstream
WORKDIR /home/loadstream
ENTRYPOINT ["/opt/loadstream/bin/loadstream"]
CMD ["--help"]
