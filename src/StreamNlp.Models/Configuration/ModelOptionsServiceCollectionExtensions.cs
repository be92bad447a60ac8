using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace StreamNlp.Models.Configuration;

/// <summary>Registers <see cref="ModelOptions"/> for every host that loads models (the worker, the retrainer).</summary>
public static class ModelOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ModelOptions.Section"/>, validated at start-up (data annotations and
    /// <see cref="ModelOptionsValidator"/>). Calling it again (worker and retrainer in one host) adds nothing.
    /// </summary>
    public static IServiceCollection AddModelOptions(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<ModelOptions>) && d.ImplementationType == typeof(ModelOptionsValidator)))
        {
            return services;
        }

        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>());
        return services;
    }
}
