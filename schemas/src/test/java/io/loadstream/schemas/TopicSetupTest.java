package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topic creation against a real broker. */
@ExtendWith(KafkaExtension.class)
class TopicSetupTest {

    @Test
    void createsEveryMissingTopicWithThePartitionsAskedAndCompactsAlerts(TestKafka kafka) throws Exception {
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("setup"));

        new TopicSetup(3, (short) 1).ensure(adminProps(kafka), topics);
        // A second call finds everything in place and changes nothing.
        new TopicSetup(3, (short) 1).ensure(adminProps(kafka), topics);

        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> described = admin.describeTopics(topics.all()).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertThat(described).hasSize(topics.all().size());
            assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
            ConfigResource alerts = new ConfigResource(ConfigResource.Type.TOPIC, topics.alerts());
            String policy = admin.describeConfigs(java.util.List.of(alerts)).all().get(30, TimeUnit.SECONDS)
                    .get(alerts).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertThat(policy).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void refusesControlAndRequestsTopicsThatAreNotCoPartitioned(TestKafka kafka) {
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("skew"));
        kafka.createTopic(topics.requests(), 4);
        kafka.createTopic(topics.control(), 2);

        assertThatThrownBy(() -> TopicSetup.DEFAULT.ensure(adminProps(kafka), topics))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topics.control() + " has 2 partitions but " + topics.requests() + " has 4");
    }

    @Test
    void anUnreachableBrokerIsOneSentenceNamingTheAddress() throws Exception {
        Properties props = new Properties();
        String nobody = "127.0.0.1:" + io.loadstream.broker.LoopbackPorts.freePort();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, nobody);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);

        assertThatThrownBy(() -> TopicSetup.DEFAULT.ensure(props, Topics.DEFAULT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("No Kafka broker answered at " + nobody + " within 30 s; check the bootstrap servers, "
                        + "or start one with 'loadstream broker'.");
    }

    @Test
    void rejectsImpossibleLayouts() {
        assertThatThrownBy(() -> new TopicSetup(0, (short) 1)).hasMessageContaining("at least 1 partition");
        assertThatThrownBy(() -> new TopicSetup(1, (short) 0)).hasMessageContaining("replication factor");
    }

    private static Properties adminProps(TestKafka kafka) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return props;
    }
}
