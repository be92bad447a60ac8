using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Polly;
using Polly.Retry;
using StreamNlp.Http;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.ModelUpdates;
using StreamNlp.Models.Configuration;
using StreamNlp.Telemetry;
using StreamNlp.Worker.Configuration;
using StreamNlp.Worker.Inference;

namespace StreamNlp.Worker.Hosting;

/// <summary>Wires the enrichment worker into a host.</summary>
public static class WorkerHostingExtensions
{
    /// <summary>
    /// Registers the options (validated at start-up, so a bad setting stops the host with a message
    /// naming it), the model bundle, the Polly pipelines and the <see cref="EnrichmentWorker"/>.
    /// </summary>
    public static IHostApplicationBuilder AddEnrichmentWorker(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddStreamNlpOptions();
        services.TryAddSingleton(TimeProvider.System);
        if (!services.Any(d => d.ServiceType == typeof(IModelBundleProvider)))
        {
            services.AddSingleton<IModelBundleProvider, ModelBundleProvider>();
            // One of possibly several targets of the listener (the retrainer adds its registry follower).
            services.AddSingleton<IModelUpdateTarget>(sp => sp.GetRequiredService<IModelBundleProvider>());
        }

        services.AddStreamNlpResilience();
        services.TryAddSingleton<Health.WorkerHealth>();
        services.TryAddSingleton<Telemetry.WorkerMetrics>();
        builder.AddStreamNlpTelemetry();
        services.AddSingleton<EnrichmentWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<EnrichmentWorker>());
        services.AddHttpModule<Health.HealthModule>();
        services.TryAddSingleton<ModelsTopicProgress>();
        services.AddHostedService<ModelUpdateListener>();
        return builder;
    }

    /// <summary>The worker's options (Kafka and model settings included), each validated at start-up; registered once.</summary>
    public static IServiceCollection AddStreamNlpOptions(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(StreamNlpOptionsMarker)))
        {
            return services;
        }

        services.AddSingleton<StreamNlpOptionsMarker>();
        services.AddKafkaOptions();
        services.AddOptions<BatchingOptions>().BindConfiguration(BatchingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddModelOptions();
        services.AddOptions<InputOptions>().BindConfiguration(InputOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetryOptions>().BindConfiguration(RetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>Polly v8 retry pipelines for inference and publishing, configured from <see cref="RetryOptions"/>.</summary>
    public static IServiceCollection AddStreamNlpResilience(this IServiceCollection services)
    {
        services.AddResiliencePipeline(ResiliencePipelineKeys.Inference, (pipeline, context) =>
        {
            var retry = context.ServiceProvider.GetRequiredService<IOptions<RetryOptions>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("StreamNlp.Worker.Resilience");
            pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline.AddRetry(Retry(retry, logger, "inference",
                new PredicateBuilder().Handle<OnnxRuntimeException>().Handle<OutOfMemoryException>()));
        });
        services.AddResiliencePipeline(ResiliencePipelineKeys.Publish, (pipeline, context) =>
        {
            var retry = context.ServiceProvider.GetRequiredService<IOptions<RetryOptions>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("StreamNlp.Worker.Resilience");
            pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline.AddRetry(Retry(retry, logger, "publish",
                new PredicateBuilder().Handle<KafkaException>(ex => !ex.Error.IsFatal)));
        });
        return services;
    }

    private static RetryStrategyOptions Retry(RetryOptions options, ILogger logger, string operation, PredicateBuilder<object> shouldHandle) => new()
    {
        MaxRetryAttempts = Math.Max(1, options.MaxRetries),
        Delay = TimeSpan.FromMilliseconds(options.BaseDelayMs),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        ShouldHandle = options.MaxRetries == 0 ? static _ => PredicateResult.False() : shouldHandle,
        OnRetry = args =>
        {
            WorkerLog.Retrying(logger, operation, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "no result");
            return default;
        },
    };

    private sealed class StreamNlpOptionsMarker;
}
