using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.Models.Runtime;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>
/// <c>StreamNlp:Models:ExecutionProvider=Cuda</c> on a machine where CUDA does not load: <c>run</c> and <c>retrainer</c>
/// stop at start-up with one line naming the setting and exit code 2, instead of serving on the CPU unnoticed.
/// </summary>
public sealed class CudaStrictnessTests(ITestOutputHelper output) : IDisposable
{
    // A registry of its own: these processes seed it while other tests' children may seed theirs.
    private readonly string _models = Path.Combine(Path.GetTempPath(), $"streamnlp-test-cuda-models-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_models))
        {
            Directory.Delete(_models, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Run_CudaWhereItDoesNotLoad_ExitsTwoWithOneLineNamingTheSetting()
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        SkipWhereCudaLoads();
        using var child = WorkerProcess.Start(cli!, "127.0.0.1:9", TestTopics.Fresh(), _models,
            new Dictionary<string, string> { ["StreamNlp__Models__ExecutionProvider"] = "Cuda", ["StreamNlp__Models__DeviceId"] = "1" });

        var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(120));

        output.WriteLine(child.Stderr);
        Assert.Equal(2, exitCode);
        var line = Assert.Single(child.Stderr.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith("error: StreamNlp:Models:ExecutionProvider=Cuda, but the CUDA execution provider could not load on device 1", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", child.Stderr, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("using the CPU provider", child.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Retrainer_CudaWhereItDoesNotLoad_ExitsTwoNamingTheSetting()
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        SkipWhereCudaLoads();
        var database = Path.Combine(Path.GetTempPath(), $"streamnlp-cuda-feedback-{Guid.NewGuid():N}.db");
        using var child = WorkerProcess.StartCommand(cli!, ["retrainer", "--bootstrap", "127.0.0.1:9", "--models", _models, "--feedback-db", database],
            new Dictionary<string, string>
            {
                ["StreamNlp__Models__ExecutionProvider"] = "Cuda",
                ["StreamNlp__Kafka__CreateTopics"] = "false",
                ["StreamNlp__Http__Port"] = "0",
            });

        try
        {
            var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(120));

            output.WriteLine(child.Stderr);
            Assert.Equal(2, exitCode);
            Assert.Contains("StreamNlp:Models:ExecutionProvider=Cuda, but the CUDA execution provider could not load on device 0", child.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", child.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(database);
        }
    }

    [SkippableFact]
    public async Task Retrainer_BrokerFromSettingsNotArgument_StartsAndStillRefusesCuda()
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        SkipWhereCudaLoads();
        var database = Path.Combine(Path.GetTempPath(), $"streamnlp-cuda-feedback-{Guid.NewGuid():N}.db");
        var missingBootstrapFile = Path.Combine(Path.GetTempPath(), $"streamnlp-no-bootstrap-{Guid.NewGuid():N}");
        // As in a container: the broker comes from the environment, there is no --bootstrap and no bootstrap file.
        using var child = WorkerProcess.StartCommand(cli!, ["retrainer", "--bootstrap-file", missingBootstrapFile, "--models", _models, "--feedback-db", database],
            new Dictionary<string, string>
            {
                ["StreamNlp__Kafka__BootstrapServers"] = "127.0.0.1:9",
                ["StreamNlp__Models__ExecutionProvider"] = "Cuda",
                ["StreamNlp__Kafka__CreateTopics"] = "false",
                ["StreamNlp__Http__Port"] = "0",
            });

        try
        {
            var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(120));

            output.WriteLine(child.Stderr);
            Assert.DoesNotContain("No --bootstrap given", child.Stderr, StringComparison.Ordinal);
            Assert.Contains("bootstrap=127.0.0.1:9", child.Stderr, StringComparison.Ordinal);
            Assert.Equal(2, exitCode);
            Assert.Contains("StreamNlp:Models:ExecutionProvider=Cuda, but the CUDA execution provider could not load", child.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(database);
        }
    }

    private static void SkipWhereCudaLoads()
    {
        var probe = new SessionFactory(new InferenceSettings(ExecutionProvider.Auto));
        using var session = probe.Create(Path.Combine(AppContext.BaseDirectory, "models", "classification", "v1", "head.onnx"));
        Skip.If(probe.ActiveProvider == "CUDA", "CUDA loads on this machine, so Cuda cannot be refused here");
    }
}
