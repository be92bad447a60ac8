using Microsoft.Extensions.DependencyInjection;
using StreamNlp.Http;

namespace StreamNlp.Cli.Commands;

/// <summary>Prints the labelling page's address (<c>page=&lt;url&gt;</c>, or <c>page=off</c>, on stdout beside <c>bootstrap=</c>) once the HTTP host listens.</summary>
internal static class PageAddress
{
    /// <summary>The host's HTTP endpoint; taken before the host runs, since a host that fails to start is disposed.</summary>
    public static HttpEndpoint? Endpoint(IServiceProvider services) => services.GetService<HttpEndpoint>();

    /// <summary>
    /// Waits until <paramref name="endpoint"/> listens, then prints its address; returns at once when
    /// <paramref name="running"/> (the host) ends first, e.g. because it failed to start.
    /// </summary>
    public static async Task PrintAsync(HttpEndpoint? endpoint, Task running)
    {
        if (endpoint is null)
        {
            return;
        }

        await Task.WhenAny(endpoint.Started, running).ConfigureAwait(false);
        if (running.IsCompleted)
        {
            return;
        }

        if (endpoint.Started.IsCompletedSuccessfully && endpoint.Address is { } address)
        {
            Console.WriteLine($"page={address}");
        }
        else if (endpoint.Started.IsCompletedSuccessfully)
        {
            // On stdout beside bootstrap=: stderr carries only log lines (one JSON object each with Logging:Format=json).
            Console.WriteLine("page=off (StreamNlp:Http:Port / --http-port is 0)");
        }
    }
}
