using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace StreamNlp.Kafka.Embedded;

/// <summary>
/// P/Invoke declarations for the parts of librdkafka (2.16, <c>rdkafka.h</c> and <c>rdkafka_mock.h</c>)
/// that <see cref="EmbeddedKafkaCluster"/> needs. Error codes are <c>rd_kafka_resp_err_t</c>,
/// numerically identical to <see cref="Confluent.Kafka.ErrorCode"/>.
/// </summary>
/// <remarks>
/// Loading. Confluent.Kafka registers no DllImport resolver: <c>Library.Load()</c> (implicitly run by the
/// first client) tries its own <c>[DllImport]</c> classes in turn (on glibc Linux
/// <c>centos8-librdkafka</c>, then <c>librdkafka</c>, ...; on Alpine <c>alpine-librdkafka</c>) and keeps the
/// first whose <c>rd_kafka_err2str</c> call succeeds, so the file is found by the runtime's normal probing
/// (deps.json native assets, <c>runtimes/&lt;rid&gt;/native/</c>). Only <c>Library.Load(path)</c> dlopens an
/// explicit path. Our resolver therefore first makes Confluent.Kafka load its library and then opens the very
/// same file (found among the process's loaded modules), so the mock cluster and the clients share one copy
/// of librdkafka. If that fails it probes <c>librdkafka</c>, then <c>centos8-librdkafka</c> itself
/// (<c>librdkafka.so</c> needs <c>libsasl2.so.3</c>, missing on some hosts; the centos8 build does not).
/// </remarks>
internal static partial class LibRdKafkaNative
{
    private const string Lib = "librdkafka";

    public const int ProducerType = 0; // RD_KAFKA_PRODUCER
    public const int ConfOk = 0;       // RD_KAFKA_CONF_OK
    public const int ErrorBufferSize = 512;

    private static readonly string[] FallbackNames = ["librdkafka", "centos8-librdkafka"];

    static LibRdKafkaNative() =>
        NativeLibrary.SetDllImportResolver(typeof(LibRdKafkaNative).Assembly, Resolve);

    /// <summary>Full path of the librdkafka file the declarations below are bound to, once resolved.</summary>
    public static string? LoadedFrom { get; private set; }

    /// <summary>Forces the resolver to run (the static constructor registers it) and returns the loaded path.</summary>
    public static string? EnsureLoaded()
    {
        _ = Marshal.PtrToStringUTF8(rd_kafka_err2str(0));
        return LoadedFrom;
    }

    [LibraryImport(Lib)]
    public static partial nint rd_kafka_conf_new();

    [LibraryImport(Lib)]
    public static partial void rd_kafka_conf_destroy(nint conf);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int rd_kafka_conf_set(nint conf, string name, string value, byte* errstr, nuint errstrSize);

    /// <summary>Takes ownership of <paramref name="conf"/> on success only.</summary>
    [LibraryImport(Lib)]
    public static unsafe partial nint rd_kafka_new(int type, nint conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Lib)]
    public static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(Lib)]
    public static partial nint rd_kafka_err2str(int err);

    [LibraryImport(Lib)]
    public static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);

    [LibraryImport(Lib)]
    public static partial void rd_kafka_mock_cluster_destroy(nint mcluster);

    /// <summary>Returns a <c>const char*</c> owned by the cluster.</summary>
    [LibraryImport(Lib)]
    public static partial nint rd_kafka_mock_cluster_bootstraps(nint mcluster);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_broker_set_down(nint mcluster, int brokerId);

    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_broker_set_up(nint mcluster, int brokerId);

    /// <summary>
    /// Array form of the variadic <c>rd_kafka_mock_push_request_errors</c> (C varargs cannot be
    /// P/Invoked portably).
    /// </summary>
    [LibraryImport(Lib)]
    public static unsafe partial void rd_kafka_mock_push_request_errors_array(nint mcluster, short apiKey, nuint count, int* errors);

    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_broker_set_rtt(nint mcluster, int brokerId, int rttMs);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_set_leader(nint mcluster, string topic, int partition, int brokerId);

    /// <summary><paramref name="keyType"/> is <c>"group"</c> or <c>"transaction"</c>.</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_coordinator_set(nint mcluster, string keyType, string key, int brokerId);

    /// <summary>Broker setting <c>group.initial.rebalance.delay.ms</c> for the whole mock cluster (default 3000).</summary>
    [LibraryImport(Lib)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(nint mcluster, int delayMs);

    /// <summary>Broker setting <c>group.consumer.session.timeout.ms</c> (KIP-848 groups; the mock's default is 30000).</summary>
    [LibraryImport(Lib)]
    public static partial void rd_kafka_mock_set_group_consumer_session_timeout_ms(nint mcluster, int timeoutMs);

    /// <summary>Broker setting <c>group.consumer.heartbeat.interval.ms</c> (KIP-848 groups; the mock's default is 3000).</summary>
    [LibraryImport(Lib)]
    public static partial void rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(nint mcluster, int intervalMs);

    /// <summary>Limits the versions the mock advertises for one API; -1/-1 removes the API (a broker that lacks it).</summary>
    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_set_apiversion(nint mcluster, short apiKey, short minVersion, short maxVersion);

    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Lib)
        {
            return 0;
        }

        if (TryLoadConfluentLibrary(out var handle, out var path) || TryLoadFallback(assembly, searchPath, out handle, out path))
        {
            LoadedFrom = path;
            return handle;
        }

        throw new DllNotFoundException(
            $"librdkafka could not be loaded (tried the file Confluent.Kafka loaded, then {string.Join(", ", FallbackNames)} " +
            $"from {NativeFolder()} and the default search path).");
    }

    /// <summary>Lets Confluent.Kafka load its librdkafka, then opens the same file.</summary>
    private static bool TryLoadConfluentLibrary(out nint handle, out string path)
    {
        handle = 0;
        path = "";
        try
        {
            _ = Confluent.Kafka.Library.Version; // runs Library.Load() once, if not done yet
            using var process = Process.GetCurrentProcess();
            foreach (ProcessModule module in process.Modules)
            {
                if (IsLibRdKafkaFile(module.FileName) && NativeLibrary.TryLoad(module.FileName, out handle))
                {
                    path = module.FileName;
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or InvalidOperationException or IOException
                                       or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            // Fall back to probing on our own.
        }

        return false;
    }

    /// <summary>librdkafka.so, centos8-librdkafka.so, librdkafka.so.1, librdkafka.dll; not librdkafkacpp.dll.</summary>
    private static bool IsLibRdKafkaFile(string file)
    {
        var stem = Path.GetFileName(file).Split('.')[0];
        return stem.Equals("librdkafka", StringComparison.OrdinalIgnoreCase)
               || stem.EndsWith("-librdkafka", StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryLoadFallback(Assembly assembly, DllImportSearchPath? searchPath, out nint handle, out string path)
    {
        foreach (var name in FallbackNames)
        {
            var file = Path.Combine(NativeFolder(), FileName(name));
            if (File.Exists(file) && NativeLibrary.TryLoad(file, out handle))
            {
                path = file;
                return true;
            }

            if (NativeLibrary.TryLoad(name, assembly, searchPath, out handle))
            {
                path = name + " (default search path)";
                return true;
            }
        }

        handle = 0;
        path = "";
        return false;
    }

    private static string NativeFolder()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return Path.Combine(AppContext.BaseDirectory, "runtimes", $"{os}-{arch}", "native");
    }

    private static string FileName(string name) =>
        OperatingSystem.IsWindows() ? name + ".dll" : OperatingSystem.IsMacOS() ? name + ".dylib" : name + ".so";
}
