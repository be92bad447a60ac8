using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Models.Configuration;
using StreamNlp.Retrainer.Configuration;
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
        return builder;
    }
}
