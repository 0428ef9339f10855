package org.igdm.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;

/** The gateway sizes its consumers and caller bounds from the accounts' paces unless a setting says otherwise. */
class DeliveryCapacityTest {

    @Test
    void enoughConsumersForEveryAccountAtItsPaceWhileMetaTakesHalfASecond() {
        assertThat(DeliveryCapacity.consumers(100)).isEqualTo(50);
        assertThat(DeliveryCapacity.consumers(20 * 100)).isEqualTo(1000);
        assertThat(DeliveryCapacity.consumers(2.5)).isEqualTo(16);
        assertThat(DeliveryCapacity.waitingCallers(100)).isEqualTo(500);
        assertThat(DeliveryCapacity.waitingCallers(1)).isEqualTo(64);
    }

    @Test
    void emptySettingsGetTheDerivedFiguresAndGivenOnesAreKept() {
        PropertiesComponent properties = properties("", "12", " ");

        DeliveryCapacity capacity = DeliveryCapacity.size(properties, 3 * 100);

        assertThat(capacity.jmsConsumers().most()).isEqualTo(150);
        assertThat(capacity.jmsConsumers().idle()).isEqualTo(16);
        assertThat(capacity.httpCallers()).isEqualTo(12);
        assertThat(capacity.mcpCallers()).isEqualTo(1500);
    }

    @Test
    void eachAccountsQueueGetsItsPartOfTheConsumersByItsPaceAndAtLeastOne() {
        DeliveryCapacity.JmsConsumers all = DeliveryCapacity.size(properties("", "", ""), 3 * 100).jmsConsumers();
        assertThat(all).isEqualTo(new DeliveryCapacity.JmsConsumers(150, 16));

        assertThat(all.share(100, 300)).isEqualTo(new DeliveryCapacity.JmsConsumers(50, 5));
        // an operator's six consumers for three accounts: two each, none left over
        assertThat(new DeliveryCapacity.JmsConsumers(6, 6).share(100, 300)).isEqualTo(new DeliveryCapacity.JmsConsumers(2, 2));
        // a slow account beside a fast one
        assertThat(new DeliveryCapacity.JmsConsumers(55, 16).share(10, 110)).isEqualTo(new DeliveryCapacity.JmsConsumers(5, 1));
        assertThat(new DeliveryCapacity.JmsConsumers(55, 16).share(100, 110)).isEqualTo(new DeliveryCapacity.JmsConsumers(50, 14));
        // more accounts than consumers: one each still
        assertThat(new DeliveryCapacity.JmsConsumers(16, 16).share(1, 20)).isEqualTo(new DeliveryCapacity.JmsConsumers(1, 1));
    }

    @Test
    void fewerConsumersThanTheIdleOnesMeansAllOfThemWaitWhileIdle() {
        PropertiesComponent properties = properties("4", "", "");

        assertThat(DeliveryCapacity.size(properties, 100).jmsConsumers().idle()).isEqualTo(4);
    }

    @Test
    void moreIdleConsumersThanConsumersIsRefusedNamingBoth() {
        PropertiesComponent properties = properties("4", "", "");
        properties.addInitialProperty("gateway.jms.idle-consumers", "8");

        assertThatThrownBy(() -> DeliveryCapacity.size(properties, 100))
                .hasMessage("gateway.jms.idle-consumers (8) must not be more than gateway.jms.consumers (4)");
    }

    @Test
    void aSettingThatIsNotAPositiveWholeNumberIsNamedWithItsRule() {
        assertThatThrownBy(() -> DeliveryCapacity.size(properties("0", "", ""), 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gateway.jms.consumers must be a whole number of at least 1, or empty to let the gateway size it"
                        + " from the accounts' paces; got '0'");
        assertThatThrownBy(() -> DeliveryCapacity.size(properties("", "many", ""), 100))
                .hasMessageStartingWith("gateway.http.max-concurrent-sends must be a whole number of at least 1");
    }

    private static PropertiesComponent properties(String consumers, String httpCallers, String mcpCallers) {
        Properties given = new Properties();
        given.setProperty("gateway.jms.consumers", consumers);
        given.setProperty("gateway.http.max-concurrent-sends", httpCallers);
        given.setProperty("gateway.mcp.max-concurrent-calls", mcpCallers);
        PropertiesComponent properties = new DefaultCamelContext().getPropertiesComponent();
        properties.setInitialProperties(given);
        return properties;
    }
}
