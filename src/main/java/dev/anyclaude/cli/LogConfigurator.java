package dev.anyclaude.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

import java.util.Locale;

/**
 * The gateway's logging set-up in code: everything to standard error as {@code time level logger request message},
 * Helidon and other libraries at WARN, anyclaude at {@code ANYCLAUDE_LOG_LEVEL} (system property or environment,
 * INFO by default). Logback finds it as a service before it would look for an XML file; configured this way
 * it skips Logback's XML parser, which took about a tenth of the gateway's start-up.
 *
 * <p>An explicit {@code -Dlogback.configurationFile} or a {@code logback-test.xml} on the class path (the
 * tests') still wins: the configurator then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} %X{req:-} %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, setting("ANYCLAUDE_LOG_LEVEL"));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static void apply(LoggerContext context, String anyclaudeLevel) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("dev.anyclaude").setLevel(level(anyclaudeLevel));
    }

    private static String setting(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }

    /** The named level (any case), INFO when unset or not a level. */
    static Level level(String name) {
        return name == null || name.isBlank() ? Level.INFO : Level.toLevel(name.trim().toUpperCase(Locale.ROOT), Level.INFO);
    }
}
