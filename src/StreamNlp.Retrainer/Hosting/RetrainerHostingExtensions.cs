using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.ModelUpdates;
using StreamNlp.Models.Configuration;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Retrainer.Leadership;
using StreamNlp.Retrainer.Telemetry;
using StreamNlp.Telemetry;

namespace StreamNlp.Retrainer.Hosting;

/// <summary>Wires the retraining worker into a host.</summary>
public static class RetrainerHostingExtensions
{
    public static IHostApplicationBuilder AddRetrainer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddKafkaOptions();
        builder.Services.AddModelOptions();
        builder.Services.AddOptions<RetrainerOptions>().BindConfiguration(RetrainerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RetrainerStatistics>();
        builder.Services.TryAddSingleton<RetrainerMetrics>();
        builder.Services.TryAddSingleton<Health.RetrainerHealth>();
        builder.AddStreamNlpTelemetry();
        builder.Services.AddSingleton<RetrainerWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetrainerWorker>());
        // Follow the models topic into this registry, so whichever instance leads next numbers after every published
        // version; inside `run` the worker's listener is the same hosted service (registered once) with both targets.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelUpdateTarget, RegistryFollower>());
        builder.Services.TryAddSingleton<ModelsTopicProgress>();
        builder.Services.AddHostedService<ModelUpdateListener>();
        return builder;
    }
}
