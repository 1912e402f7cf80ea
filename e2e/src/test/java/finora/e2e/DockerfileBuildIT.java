package finora.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * There is no Docker engine on the build machines, so this checks the root {@code Dockerfile} the way
 * {@code docker build} would use it: a build context holding only what its build stage copies, and the
 * stage's Maven build run on it (offline, from the local repository the suite already filled). A module
 * added to the root pom without the Dockerfile following fails here with Maven's own message ("Child
 * module … does not exist"), and so does a source folder the images need but the stage does not copy.
 */
class DockerfileBuildIT {
    private static final Pattern STAGE = Pattern.compile("(?i)^FROM\\s+\\S+(?:\\s+AS\\s+(\\S+))?$");
    private static final Pattern COPY = Pattern.compile("(?i)^COPY\\s+(?!--from)(\\S+)\\s+(\\S+)$");
    private static final Pattern RUN_MVN = Pattern.compile("(?i)^RUN\\s+(?:--mount=\\S+\\s+)*(mvn\\s.*)$");
    private static final Set<String> NOT_COPIED = Set.of("target", "node_modules");

    private final Path repo =
            Path.of(System.getProperty("e2e.repoRoot", "..")).toAbsolutePath().normalize();
    private Path context;

    @AfterEach
    void cleanUp() throws IOException {
        if (context != null) {
            try (Stream<Path> walk = Files.walk(context)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The build stage's instructions, continuation lines joined. */
    private List<String> buildStage() throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(repo.resolve("Dockerfile"), StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty() && current.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            lines.add(current.append(line).toString().replaceAll("\\s+", " ").strip());
            current.setLength(0);
        }
        List<String> stage = new ArrayList<>();
        boolean inBuild = false;
        for (String line : lines) {
            Matcher from = STAGE.matcher(line);
            if (from.matches()) {
                inBuild = "build".equalsIgnoreCase(from.group(1));
            } else if (inBuild) {
                stage.add(line);
            }
        }
        assertThat(stage).as("the Dockerfile has a stage named 'build'").isNotEmpty();
        return stage;
    }

    @Test
    void theBuildStage_copiesEveryModule_andItsMavenBuildPassesOnExactlyWhatItCopies() throws Exception {
        List<String> stage = buildStage();
        context = Files.createTempDirectory("finora-docker-context");
        List<String> mavenBuilds = new ArrayList<>();
        for (String line : stage) {
            Matcher copy = COPY.matcher(line);
            Matcher run = RUN_MVN.matcher(line);
            if (copy.matches()) {
                copyIntoContext(copy.group(1), copy.group(2));
            } else if (run.matches() && !run.group(1).contains("go-offline")) {
                mavenBuilds.add(run.group(1).replaceAll("\\s*\\|\\|\\s*true$", ""));
            }
        }
        for (String module : rootModules()) {
            assertThat(context.resolve(module).resolve("pom.xml"))
                    .as(
                            "the root pom lists module '%s': the Dockerfile's build stage must COPY %s/pom.xml",
                            module, module)
                    .exists();
        }
        assertThat(mavenBuilds).as("the build stage runs a Maven build").isNotEmpty();
        for (String build : mavenBuilds) {
            runOffline(build);
        }
        for (String jar : List.of(
                "server/target/finora-server.jar",
                "admin-ui/target/finora-admin-ui.jar",
                "anthropic-sim/target/anthropic-sim.jar")) {
            assertThat(context.resolve(jar))
                    .as("the images copy %s from the build stage", jar)
                    .exists();
        }
    }

    private List<String> rootModules() throws IOException {
        String pom = Files.readString(repo.resolve("pom.xml"), StandardCharsets.UTF_8);
        List<String> modules = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        while (m.find()) {
            modules.add(m.group(1).strip());
        }
        assertThat(modules).isNotEmpty();
        return modules;
    }

    /** COPY src dest, relative to WORKDIR /src: a file to a folder (dest ends in /) or a folder's contents. */
    private void copyIntoContext(String src, String dest) throws IOException {
        Path from = repo.resolve(src).normalize();
        assertThat(from)
                .as("the Dockerfile copies %s, which must exist in the repository", src)
                .exists();
        Path to = context.resolve(dest.equals("./") ? "" : dest).normalize();
        if (Files.isRegularFile(from)) {
            Path target = dest.endsWith("/") ? to.resolve(from.getFileName().toString()) : to;
            Files.createDirectories(target.getParent());
            Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && NOT_COPIED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE; // .dockerignore keeps build output out of the context
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Runs the stage's {@code mvn …} with this repository's wrapper, offline, in the context. */
    private void runOffline(String build) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(repo.resolve("mvnw").toString());
        command.add("-o");
        for (String arg : build.substring("mvn".length()).strip().split(" ")) {
            if (!arg.equals("-q")) {
                command.add(arg);
            }
        }
        Path log = Files.createTempFile("finora-docker-build", ".log");
        Process process = new ProcessBuilder(command)
                .directory(context.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = process.waitFor(15, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        Files.delete(log);
        assertThat(finished && process.exitValue() == 0)
                .as("the Dockerfile's build `%s` on a context of only what it copies:%n%s", build, tail(output, 60))
                .isTrue();
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
