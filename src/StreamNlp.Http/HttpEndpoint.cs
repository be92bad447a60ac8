using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StreamNlp.Http;

/// <summary>
/// The process's one HTTP endpoint on Kestrel. Features contribute routes as <see cref="IHttpModule"/>s (the
/// worker's <c>/healthz</c> and <c>/readyz</c>, metrics, the labelling page). It runs its own small web
/// application inside the service's host, so that host stays a plain generic host and the endpoint can be
/// left out (port 0).
/// </summary>
public sealed class HttpEndpoint(IOptions<HttpOptions> options, IEnumerable<IHttpModule> modules, ILogger<HttpEndpoint> logger) : BackgroundService
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
        var all = modules.ToList();
        foreach (var module in all)
        {
            module.ConfigureServices(builder.Services);
        }

        await using var app = builder.Build();
        foreach (var module in all)
        {
            module.Map(app);
        }

        try
        {
            await app.StartAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            _started.TrySetException(ex);
            throw new HttpListenException(
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
