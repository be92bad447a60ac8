using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace StreamNlp.Http;

/// <summary>
/// One feature's share of the HTTP host: services for the web application's own container and the routes it
/// maps. Register implementations with <see cref="HttpHostingExtensions.AddHttpModule{TModule}"/>; the
/// <see cref="HttpEndpoint"/> applies every registered module when it starts.
/// </summary>
public interface IHttpModule
{
    /// <summary>Adds services the module's routes need inside the web application (middleware options, OpenAPI…).</summary>
    void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Maps the module's routes (and middleware) on the web application.</summary>
    void Map(WebApplication app);
}
