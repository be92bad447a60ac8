using Microsoft.Extensions.DependencyInjection;
using StreamNlp.Http;

namespace StreamNlp.Cli.Commands;

/// <summary>Prints the labelling page's address (<c>page=&lt;url&gt;</c>, on stdout beside <c>bootstrap=</c>) once the HTTP host listens.</summary>
internal static class PageAddress
{
    /// <summary>Waits until the shared HTTP host listens (or <paramref name="running"/> ends), then prints its address.</summary>
    public static async Task PrintAsync(IServiceProvider services, Task running)
    {
        if (services.GetService<HttpEndpoint>() is not { } endpoint)
        {
            return;
        }

        await Task.WhenAny(endpoint.Started, running).ConfigureAwait(false);
        if (endpoint.Started.IsCompletedSuccessfully && endpoint.Address is { } address)
        {
            Console.WriteLine($"page={address}");
        }
        else if (endpoint.Started.IsCompletedSuccessfully)
        {
            Console.Error.WriteLine("labelling page off (StreamNlp:Http:Port / --http-port is 0)");
        }
    }
}
