using System.Diagnostics;
using System.Globalization;
using StreamNlp.Cli.Commands;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// The soak's worker as a process of its own: <c>streamnlp run --no-retrainer</c> on the bench's embedded broker, so the
/// resident set the soak samples is the worker's alone, not the broker's retained messages or the bench's clients. Its
/// output is kept (the last lines) for the error when it stops early; <see cref="Dispose"/> stops it with SIGTERM as a
/// supervisor would, and kills it when it does not exit within 30 s.
/// </summary>
internal sealed class SoakWorkerProcess : IDisposable
{
    private const int KeptLines = 20;
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private SoakWorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the worker; <paramref name="root"/> holds its model registry.</summary>
    public static SoakWorkerProcess Start(string bootstrapServers, string root)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // This very CLI: its apphost, or `dotnet streamnlp.dll`.
        var self = Environment.ProcessPath ?? "dotnet";
        info.FileName = self;
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(SoakWorkerProcess).Assembly.Location);
        }

        foreach (var argument in new[] { "run", "--bootstrap", bootstrapServers, "--no-retrainer", "--models", Path.Combine(root, "models"), "--http-port", "0" })
        {
            info.ArgumentList.Add(argument);
        }

        // The mock cluster lives in the bench process and answers no admin requests from another one: the bench
        // creates the topics. The same consumer settings as `run` gives its own embedded broker.
        info.Environment["StreamNlp__Kafka__CreateTopics"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in RunCommand.EmbeddedConsumerDefaults(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), bootstrapServers))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return new SoakWorkerProcess(Process.Start(info) ?? throw new CliException("could not start the worker process"));
    }

    public int Id => _process.Id;

    /// <summary>The worker's resident set now; throws, with its last output, when it has stopped.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        if (_process.HasExited)
        {
            throw new CliException($"the worker process stopped (exit code {_process.ExitCode}); its last output:{Environment.NewLine}{LastOutput()}");
        }

        return _process.WorkingSet64;
    }

    public string LastOutput()
    {
        lock (_lastLines)
        {
            return string.Join(Environment.NewLine, _lastLines);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    term.WaitForExit();
                }

                if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already, or no `kill` on this system: nothing left to stop gracefully.
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > KeptLines)
            {
                _lastLines.Dequeue();
            }
        }
    }
}
