using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamNlp.Http;
using StreamNlp.Models.Runtime;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// The exit code of a host that has stopped. The generic host stops when a background service fails but
/// returns normally from <c>RunAsync</c>, which would exit 0: supervisors (systemd <c>on-failure</c>,
/// Kubernetes, job runners) would take a crashed worker for a finished one. So a failed service gives one
/// line naming it and exit code <see cref="RuntimeFailure"/> (<see cref="BadSetting"/> when the HTTP endpoint could not
/// listen where <c>StreamNlp:Http</c> says, CUDA did not load for <c>ExecutionProvider=Cuda</c>, or the broker lacks the
/// consumer group protocol of <c>StreamNlp:Kafka:GroupProtocol=Consumer</c>); a stop by Ctrl-C
/// or SIGTERM stays 0.
/// </summary>
internal static class HostExit
{
    /// <summary>A worker failed while running (broker lost for too long, a fatal Kafka error, a record that could not even be dead-lettered).</summary>
    public const int RuntimeFailure = 1;

    /// <summary>
    /// A setting or argument that cannot work, including <c>StreamNlp:Models:ExecutionProvider=Cuda</c> where CUDA does not
    /// load: a restart will not help, the setting (or the machine) must change.
    /// </summary>
    public const int BadSetting = 2;

    /// <summary>The host's background services, taken before <c>RunAsync</c> (which disposes the host's services).</summary>
    public static IReadOnlyList<BackgroundService> Services(IHost host) =>
        [.. host.Services.GetServices<IHostedService>().OfType<BackgroundService>()];

    /// <summary>
    /// Waits for a running host and gives its exit code. A service that fails while others are still starting (the
    /// HTTP port in use while topics are being created) stops the host, which cancels their start: that cancellation
    /// comes from the failure, not from Ctrl-C, so the failed service decides the exit code.
    /// </summary>
    public static async Task<int> WaitAsync(Task running, IReadOnlyList<BackgroundService> services, CancellationToken ct)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && services.Any(s => s.ExecuteTask is { IsFaulted: true }))
        {
            // reported below, as the failed service's
        }

        return Code(services);
    }

    public static int Code(IReadOnlyList<BackgroundService> services)
    {
        var failures = services
            .Where(s => s.ExecuteTask is { IsFaulted: true })
            .Select(s => (Line: $"{s.GetType().Name} failed: {Innermost(s.ExecuteTask!.Exception!).Message}", Error: Innermost(s.ExecuteTask!.Exception!)))
            .DistinctBy(f => f.Line, StringComparer.Ordinal)
            .ToList();
        foreach (var (line, error) in failures)
        {
            Console.Error.WriteLine($"error: {line}");
            CommandRunner.WriteDetail(error); // the stack trace, with --verbose
        }

        // A service that could not start as configured (the HTTP port in use; the retrainer, which opens its encoder
        // once running, on CUDA that does not load) is a bad setting, not a runtime failure.
        return failures.Count == 0 ? 0
            : failures.All(f => f.Error is HttpListenException or CudaUnavailableException or Worker.Hosting.GroupProtocolUnsupportedException) ? BadSetting
            : RuntimeFailure;
    }

    private static Exception Innermost(AggregateException aggregate)
    {
        Exception e = aggregate;
        while (e is AggregateException { InnerExceptions.Count: 1 } a)
        {
            e = a.InnerExceptions[0];
        }

        return e;
    }
}
