package dev.anyclaude.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class LogConfiguratorTest {

    @Test
    void everythingGoesToStandardErrorWithLibrariesAtWarnAndAnyclaudeAtItsLevel() {
        LoggerContext context = new LoggerContext();
        LogConfigurator.apply(context, "debug");

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class, appender -> {
            assertThat(appender.getTarget()).isEqualTo("System.err");
            assertThat(appender.isStarted()).isTrue();
        });
        assertThat(context.getLogger("io.helidon.webserver").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("dev.anyclaude.server.GatewayServer").getEffectiveLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("tools.jackson").getEffectiveLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void anUnsetOrUnknownLevelIsInfo() {
        assertThat(LogConfigurator.level(null)).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.level(" ")).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.level("loud")).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.level("error")).isEqualTo(Level.ERROR);
    }

    @Test
    void logbackFindsItAsAServiceAndItStepsAsideForTheTestsOwnFile() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(LogConfigurator.class);
        LoggerContext context = new LoggerContext();
        LogConfigurator configurator = new LogConfigurator();
        configurator.setContext(context);
        // logback-test.xml is on the test class path
        assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
    }
}
