using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace StreamNlp.Kafka.Configuration;

/// <summary>Registers <see cref="KafkaOptions"/> for every host that talks to Kafka.</summary>
public static class KafkaOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="KafkaOptions.Section"/>, validated at start-up (data annotations and
    /// <see cref="KafkaOptionsValidator"/>), so a bad setting stops the host with a message naming it.
    /// Calling it again (worker and retrainer in one host) adds nothing.
    /// </summary>
    public static IServiceCollection AddKafkaOptions(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<KafkaOptions>) && d.ImplementationType == typeof(KafkaOptionsValidator)))
        {
            return services;
        }

        services.AddOptions<KafkaOptions>().BindConfiguration(KafkaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>());
        return services;
    }
}
