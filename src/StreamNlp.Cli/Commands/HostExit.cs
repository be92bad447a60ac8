using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamNlp.Models.Runtime;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// The exit code of a host that has stopped. The generic host stops when a background service fails but
/// returns normally from <c>RunAsync</c>, which would exit 0: supervisors (systemd <c>on-failure</c>,
/// Kubernetes, job runners) would take a crashed worker for a finished one. So a failed service gives one
/// line naming it and exit code <see cref="RuntimeFailure"/>; a stop by Ctrl-C or SIGTERM stays 0.
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

    public static int Code(IReadOnlyList<BackgroundService> services)
    {
        var failed = services
            .Where(s => s.ExecuteTask is { IsFaulted: true })
            .Select(s => (Service: s.GetType().Name, Error: Innermost(s.ExecuteTask!.Exception!)))
            .ToList();
        foreach (var failure in failed.Select(f => $"{f.Service} failed: {f.Error.Message}").Distinct(StringComparer.Ordinal))
        {
            Console.Error.WriteLine($"error: {failure}");
        }

        if (failed.Count == 0)
        {
            return 0;
        }

        // The retrainer opens its encoder once running: CUDA that does not load there is still a setting problem.
        return failed.All(f => f.Error is CudaUnavailableException) ? BadSetting : RuntimeFailure;
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
