package local.mongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Runs mongo-java-server: {@code --port N [--host 127.0.0.1] [--h2 /path/file.mv] [--watch-stdin]}.
 * Prints one ready line on stdout once the socket accepts connections; SIGTERM/SIGINT shut it down.
 * With {@code --watch-stdin} it also exits when stdin reaches EOF, i.e. when the parent that holds the
 * pipe dies, even by SIGKILL, so no server outlives its test run.
 */
public final class LocalMongo {

    /**
     * The library's newest enum reports wire version 8 (MongoDB 4.2's number), below the minimum of
     * current drivers (Node 7.x and PyMongo 4.x require 9+). The version is only a label in
     * isMaster/buildInfo, so report MongoDB 6.0 (wire 17) to let those drivers connect.
     */
    private static final MongoVersion REPORTED_VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(6, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 17;
        }
    };

    public static void main(String[] args) throws InterruptedException, IOException {
        // Must be set before the first logger exists; INFO would log every connection.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");

        String host = "127.0.0.1";
        Integer port = null;
        String h2File = null;
        boolean watchStdin = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.valueOf(valueAt(args, ++i));
                case "--host" -> host = valueAt(args, ++i);
                case "--h2" -> h2File = valueAt(args, ++i);
                case "--watch-stdin" -> watchStdin = true;
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if (port == null) {
            usage("--port is required (0 picks a free port)");
        }

        MongoBackend backend = h2File != null ? new JournaledH2Backend(h2File) : new MemoryBackend();
        backend.version(REPORTED_VERSION);
        MongoServer server = new MongoServer(backend);
        try {
            server.bind(host, port);
        } catch (Exception e) { // Netty rethrows the checked BindException without declaring it
            // Netty's event-loop threads are not daemons: without an explicit exit the JVM would hang here.
            e.printStackTrace();
            server.shutdownNow();
            System.exit(1);
        }

        // The JVM runs shutdown hooks on SIGTERM/SIGINT and System.exit; shutdownNow() drops the client
        // connections and closes the backend, which flushes the H2 store.
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));

        InetSocketAddress address = server.getLocalAddress();
        System.out.println("local-mongo listening on " + address.getHostString() + ":" + address.getPort());
        System.out.flush();
        if (watchStdin) {
            while (System.in.read() != -1) {
                // Input is ignored; only EOF matters.
            }
            System.exit(0);
        }
        Thread.currentThread().join(); // park forever; only the shutdown hook ends the process
    }

    /**
     * The H2 store writes its changes to the file in the background, about once a second, so a SIGKILL loses the
     * last second of acknowledged writes. A write sent with {@code writeConcern: {j: true}} (or an {@code fsync})
     * is committed to the file before it is acknowledged, as mongod's journal would have it.
     */
    private static final class JournaledH2Backend extends H2Backend {
        JournaledH2Backend(String file) {
            super(file);
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            Document result = super.handleCommand(channel, database, command, query);
            Object concern = query.get("writeConcern");
            boolean journaled = concern instanceof Document wc && Boolean.TRUE.equals(wc.get("j"));
            if (journaled || command.equalsIgnoreCase("fsync")) {
                commit();
            }
            return result;
        }
    }

    private static String valueAt(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: java -jar local-mongo.jar --port N [--host 127.0.0.1] [--h2 /path/file.mv] [--watch-stdin]");
        System.exit(2);
    }
}
