using System.Diagnostics;
using System.Text;
using StreamNlp.IntegrationTests.Kafka;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>
/// <c>streamnlp run</c> as a child process (the CLI the solution builds), on the test's topics, so tests can
/// kill it with SIGKILL, stop it with SIGTERM and read its exit code like a supervisor would.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The CLI built beside this test assembly's configuration, or null when it was not built.</summary>
    public static string? CliPath()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StreamNlp.sln")))
            {
                var dll = Path.Combine(dir.FullName, "src", "StreamNlp.Cli", "bin", configuration, "net10.0", "streamnlp.dll");
                return File.Exists(dll) ? dll : null;
            }
        }

        return null;
    }

    public static WorkerProcess Start(string cli, string bootstrap, TestTopics topics, string modelsDirectory, IDictionary<string, string>? settings = null)
    {
        var env = new Dictionary<string, string>
        {
            ["StreamNlp__Kafka__InputTopics__0"] = topics.Input,
            ["StreamNlp__Kafka__OutputTopic"] = topics.Output,
            ["StreamNlp__Kafka__DeadLetterTopic"] = topics.DeadLetter,
            ["StreamNlp__Kafka__GroupId"] = topics.Group,
            ["StreamNlp__Kafka__ReviewTopic"] = topics.Review,
            ["StreamNlp__Kafka__FeedbackTopic"] = topics.Feedback,
            ["StreamNlp__Kafka__ModelsTopic"] = topics.Models,
            // A mock cluster owned by another process answers no admin requests: the test creates the topics.
            ["StreamNlp__Kafka__CreateTopics"] = "false",
            ["StreamNlp__Http__Port"] = "0",
            ["StreamNlp__Kafka__Consumer__session.timeout.ms"] = "2000",
            ["StreamNlp__Kafka__Consumer__heartbeat.interval.ms"] = "500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        return StartCommand(cli, ["run", "--bootstrap", bootstrap, "--no-retrainer", "--models", modelsDirectory,
            "--bootstrap-file", Path.Combine(Path.GetTempPath(), $"streamnlp-bootstrap-{Guid.NewGuid():N}")], env);
    }

    /// <summary>Any CLI command as a child process, with the given environment variables added.</summary>
    public static WorkerProcess StartCommand(string cli, IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(cli);
        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new WorkerProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the CLI"));
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as a supervisor stops a service; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drain redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
