package dev.anyclaude.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to start a local model server from {@code --server-script}: either a script file or a command line.
 *
 * <ul>
 *   <li><b>A script file</b> (relative to the working directory; {@code ~/} is the home directory) gets the model
 *       path and the port as arguments, the convention of earlier anyclaude versions' {@code serverScript}
 *       ({@code mlx-textgen-server.sh <model_path> [port]}): {@code script MODEL_PATH PORT}, or no arguments when
 *       no model path is set. A {@code .py} script gets {@code --model MODEL_PATH --port PORT} instead, as
 *       {@code python3 script --model … --port …} did. A file that is not executable runs with the interpreter
 *       of its {@code #!} line, else {@code python3} for {@code .py} and {@code sh} for anything else.</li>
 *   <li><b>Anything else is a command line</b>, run by {@code bash -c} (or {@code sh -c} without bash), so
 *       {@code source venv/bin/activate && mlx_lm.server --model "$MODEL_PATH" --port "$ANYCLAUDE_SERVER_PORT"}
 *       works as typed. Nothing is appended to it.</li>
 * </ul>
 * Either way the server's environment carries {@value #MODEL_PATH_ENV} and {@value #LEGACY_MODEL_PATH_ENV} (when
 * a model path is set), {@value #HOST_ENV}, {@value #PORT_ENV} and {@value #URL_ENV}: see {@link #environment}.
 *
 * @param argv    the program and its arguments
 * @param display the command for messages
 */
public record ServerCommand(List<String> argv, String display) {

    public static final String MODEL_PATH_ENV = "ANYCLAUDE_MODEL_PATH";
    public static final String LEGACY_MODEL_PATH_ENV = "MODEL_PATH";
    public static final String HOST_ENV = "ANYCLAUDE_SERVER_HOST";
    public static final String PORT_ENV = "ANYCLAUDE_SERVER_PORT";
    public static final String URL_ENV = "ANYCLAUDE_SERVER_URL";

    private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    public ServerCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty server command");
        }
        Objects.requireNonNull(display, "display");
    }

    /**
     * The command for {@code spec}.
     *
     * @param spec       the {@code --server-script} value
     * @param modelPath  the {@code --model-path} value, or null
     * @param port       the port the server is expected on (from the upstream base URL)
     * @param workingDir where relative script paths are looked up
     * @param env        the environment: {@code HOME} for {@code ~/}, {@code PATH} to find bash
     * @throws IllegalArgumentException with a message for the user when {@code spec} names no runnable script
     */
    public static ServerCommand parse(String spec, String modelPath, int port, Path workingDir,
                                      Map<String, String> env) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--server-script is empty");
        }
        String trimmed = spec.strip();
        Path script = scriptFile(trimmed, workingDir, env.get("HOME"));
        if (script != null) {
            return forScript(script, modelPath, port);
        }
        if (!containsWhitespace(trimmed) && trimmed.contains("/")) {
            throw new IllegalArgumentException("server script '" + trimmed + "' does not exist"
                    + (trimmed.startsWith("/") ? "" : " (relative to " + workingDir.toAbsolutePath() + ")"));
        }
        String shell = ClaudeBinary.onPath("bash", env.get("PATH")).map(Path::toString).orElse("/bin/sh");
        return new ServerCommand(List.of(shell, "-c", trimmed), trimmed);
    }

    /**
     * The server's environment: {@code userEnv} plus the model path ({@value #MODEL_PATH_ENV}, and
     * {@value #LEGACY_MODEL_PATH_ENV} as earlier tools set it), the host and port it should listen on and the base
     * URL anyclaude will call.
     */
    public static Map<String, String> environment(Map<String, String> userEnv, String modelPath, String host,
                                                  int port, String baseUrl) {
        Map<String, String> env = new LinkedHashMap<>(userEnv);
        if (modelPath != null && !modelPath.isBlank()) {
            env.put(MODEL_PATH_ENV, modelPath);
            env.put(LEGACY_MODEL_PATH_ENV, modelPath);
        }
        env.put(HOST_ENV, host);
        env.put(PORT_ENV, Integer.toString(port));
        env.put(URL_ENV, baseUrl);
        return env;
    }

    /** {@code ~/x} with the home directory, for {@code --model-path} and file options. */
    public static String expandHome(String value, String home) {
        if (value != null && home != null && (value.equals("~") || value.startsWith("~/"))) {
            return home + value.substring(1);
        }
        return value;
    }

    private static Path scriptFile(String spec, Path workingDir, String home) {
        try {
            Path path = workingDir.resolve(expandHome(spec, home));
            return Files.isRegularFile(path) ? path.toAbsolutePath().normalize() : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static ServerCommand forScript(Path script, String modelPath, int port) {
        boolean python = script.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".py");
        List<String> argv = new ArrayList<>();
        if (!Files.isExecutable(script)) {
            argv.addAll(interpreter(script, python));
        }
        argv.add(script.toString());
        boolean hasModel = modelPath != null && !modelPath.isBlank();
        if (python) {
            if (hasModel) {
                argv.addAll(List.of("--model", modelPath));
            }
            argv.addAll(List.of("--port", Integer.toString(port)));
        } else if (hasModel) {
            argv.addAll(List.of(modelPath, Integer.toString(port)));
        }
        return new ServerCommand(argv, quote(argv));
    }

    /** The {@code #!} line's interpreter and its argument, else {@code python3} or {@code sh}. */
    static List<String> interpreter(Path script, boolean python) {
        try (BufferedReader in = Files.newBufferedReader(script, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            if (first != null && first.startsWith("#!")) {
                String line = first.substring(2).strip();
                if (!line.isEmpty()) {
                    // the kernel passes everything after the interpreter as one argument
                    int space = indexOfWhitespace(line);
                    return space < 0 ? List.of(line)
                            : List.of(line.substring(0, space), line.substring(space).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable or not text: fall back on the extension
        }
        return List.of(python ? "python3" : "sh");
    }

    /** The words as a shell would need them typed. */
    static String quote(List<String> words) {
        List<String> quoted = new ArrayList<>();
        for (String word : words) {
            quoted.add(SAFE_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'");
        }
        return String.join(" ", quoted);
    }

    private static boolean containsWhitespace(String s) {
        return indexOfWhitespace(s) >= 0;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
