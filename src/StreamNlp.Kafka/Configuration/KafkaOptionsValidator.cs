using Microsoft.Extensions.Options;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Kafka.Configuration;

/// <summary>Checks of <see cref="KafkaOptions"/> that span several settings.</summary>
public sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        var failures = new List<string>();
        var inputs = options.EffectiveInputTopics;
        if (inputs.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("StreamNlp:Kafka:InputTopics contains an empty topic name.");
        }

        if (inputs.Contains(options.OutputTopic, StringComparer.Ordinal))
        {
            failures.Add($"StreamNlp:Kafka:OutputTopic '{options.OutputTopic}' is also an input topic; records would be enriched again forever.");
        }

        if (inputs.Contains(options.DeadLetterTopic, StringComparer.Ordinal))
        {
            failures.Add($"StreamNlp:Kafka:DeadLetterTopic '{options.DeadLetterTopic}' is also an input topic.");
        }

        if (string.Equals(options.OutputTopic, options.DeadLetterTopic, StringComparison.Ordinal))
        {
            failures.Add("StreamNlp:Kafka:DeadLetterTopic must differ from StreamNlp:Kafka:OutputTopic.");
        }

        if (options.BootstrapServers is { } servers && servers.Trim().Length == 0)
        {
            failures.Add("StreamNlp:Kafka:BootstrapServers is blank; leave it unset to use the embedded broker.");
        }

        if (options.GroupInstanceId is { } instance && instance.Trim().Length == 0)
        {
            failures.Add("StreamNlp:Kafka:GroupInstanceId is blank; leave it unset for dynamic group membership.");
        }

        // Unknown or invalid librdkafka keys would otherwise fail only when a client is built, inside a worker.
        failures.AddRange(LibRdKafkaConfigCheck.Problems(options.Consumer, "StreamNlp:Kafka:Consumer:"));
        failures.AddRange(LibRdKafkaConfigCheck.Problems(options.Producer, "StreamNlp:Kafka:Producer:"));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
