using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamNlp.Models.Configuration;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.UnitTests.Models.Configuration;

/// <summary><c>StreamNlp:Models</c> bound and validated as the host does it, for the settings tests.</summary>
internal static class BoundModelOptions
{
    /// <param name="settings">Settings named within the section (<c>Precision</c>, <c>DeviceId</c>…); a null value is left unset.</param>
    public static ModelOptions Resolve(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Where(s => s.Value is not null).ToDictionary(s => $"{ModelOptions.Section}:{s.Key}", s => s.Value))
            .Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddStreamNlpOptions()
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<ModelOptions>>().Value;
    }
}
