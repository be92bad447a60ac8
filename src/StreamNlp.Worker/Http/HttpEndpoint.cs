using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Worker.Health;

namespace StreamNlp.Worker.Http;

/// <summary>
/// The process's HTTP endpoint on Kestrel: <c>/healthz</c> (liveness) and <c>/readyz</c> (readiness), each 200
/// or 503 with the reasons as JSON. It runs its own small web application inside the worker's host, so the
/// host stays a plain generic host and the endpoint can be left out (port 0). Metrics and the labelling page
/// are meant to be mapped here too.
/// </summary>
public sealed class HttpEndpoint(IOptions<HttpOptions> options, WorkerHealth health, ILogger<HttpEndpoint> logger) : BackgroundService
{
    /// <summary>The address it listens on once started (useful when the port was chosen by the system).</summary>
    public Uri? Address { get; private set; }

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the endpoint listens (or at once when it is off).</summary>
    public Task Started => _started.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Port == 0)
        {
            _started.TrySetResult();
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(settings.BindAddress), settings.Port));
        await using var app = builder.Build();
        app.MapGet("/healthz", () => health.NotLive() is { } reason
            ? Results.Json(new { status = "down", reasons = new[] { reason } }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "up" }));
        app.MapGet("/readyz", () => health.NotReady() is { Count: > 0 } reasons
            ? Results.Json(new { status = "not ready", reasons }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "ready", partitions = health.AssignedPartitions }));
        try
        {
            await app.StartAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            _started.TrySetException(ex);
            throw new InvalidOperationException(
                $"cannot listen on {settings.BindAddress}:{settings.Port} (StreamNlp:Http:Port, --http-port; 0 turns the endpoint off): {ex.Message}", ex);
        }

        Address = new Uri(app.Urls.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        HttpLog.Listening(logger, Address.ToString());
        _started.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
