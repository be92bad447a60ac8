using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StreamNlp.Http;

/// <summary>Registers the shared HTTP host and its modules.</summary>
public static class HttpHostingExtensions
{
    /// <summary>
    /// Registers <see cref="HttpOptions"/> (validated at start-up) and the <see cref="HttpEndpoint"/> hosted
    /// service, once however often it is called.
    /// </summary>
    public static IServiceCollection AddHttpEndpoint(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(HttpEndpoint)))
        {
            return services;
        }

        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section).ValidateDataAnnotations()
            .Validate(o => IPAddress.TryParse(o.BindAddress, out _), "StreamNlp:Http:BindAddress must be an IP address (127.0.0.1, 0.0.0.0, ::).")
            .ValidateOnStart();
        services.AddSingleton<HttpEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<HttpEndpoint>());
        return services;
    }

    /// <summary>Adds a module's routes to the HTTP host (and the host itself when missing); a module is added once.</summary>
    public static IServiceCollection AddHttpModule<TModule>(this IServiceCollection services)
        where TModule : class, IHttpModule
    {
        services.AddHttpEndpoint();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpModule, TModule>());
        return services;
    }
}
