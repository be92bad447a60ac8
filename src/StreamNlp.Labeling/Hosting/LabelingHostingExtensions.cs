using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StreamNlp.Http;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Labeling.Api;
using StreamNlp.Labeling.Configuration;
using StreamNlp.Labeling.History;
using StreamNlp.Labeling.Page;
using StreamNlp.Labeling.Publishing;
using StreamNlp.Labeling.Queue;
using StreamNlp.Models.Configuration;
using StreamNlp.Retrainer.Configuration;

namespace StreamNlp.Labeling.Hosting;

/// <summary>Wires the labelling page into a host (inside <c>streamnlp run</c>, or alone in <c>streamnlp ui</c>).</summary>
public static class LabelingHostingExtensions
{
    /// <summary>
    /// Registers <see cref="LabelingOptions"/> (validated at start-up), the review queue and its reader, the
    /// feedback publisher, the model history and the <see cref="LabelingModule"/> on the shared HTTP host.
    /// </summary>
    public static IHostApplicationBuilder AddLabeling(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddKafkaOptions();
        services.AddModelOptions();
        // Only its DatabasePath is read (where the decisions are); binding again beside the retrainer's own
        // registration sets the same values (the options hold no lists that a second binding would extend).
        services.AddOptions<RetrainerOptions>().BindConfiguration(RetrainerOptions.Section);
        services.AddOptions<LabelingOptions>().BindConfiguration(LabelingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReviewQueue>();
        services.TryAddSingleton<FeedbackPublisher>();
        services.TryAddSingleton<ModelHistory>();
        services.TryAddSingleton<PageAssets>();
        services.TryAddSingleton<LabelingEndpoints>();
        services.AddHostedService<ReviewQueueReader>();
        services.AddHttpModule<LabelingModule>();
        return builder;
    }
}
