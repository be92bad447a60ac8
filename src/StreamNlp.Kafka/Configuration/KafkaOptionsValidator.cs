using Confluent.Kafka;
using Microsoft.Extensions.Options;
using StreamNlp.Kafka.Clients;

namespace StreamNlp.Kafka.Configuration;

/// <summary>Checks of <see cref="KafkaOptions"/> that span several settings.</summary>
public sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    private const string Section = KafkaOptions.Section + ":";

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

        CheckSecurity(options, failures);

        // Unknown or invalid librdkafka keys would otherwise fail only when a client is built, inside a worker.
        failures.AddRange(LibRdKafkaConfigCheck.Problems(options.Consumer, "StreamNlp:Kafka:Consumer:"));
        failures.AddRange(LibRdKafkaConfigCheck.Problems(options.Producer, "StreamNlp:Kafka:Producer:"));
        failures.AddRange(LibRdKafkaConfigCheck.Problems(options.Admin, "StreamNlp:Kafka:Admin:"));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// The security settings: names librdkafka knows, combinations that work, files that exist. No
    /// message ever contains a password.
    /// </summary>
    private static void CheckSecurity(KafkaOptions options, List<string> failures)
    {
        var protocol = SecurityProtocol.Plaintext;
        if (options.SecurityProtocol is { } protocolName && !KafkaSecurityNames.TryParseProtocol(protocolName, out protocol))
        {
            failures.Add($"{Section}SecurityProtocol '{protocolName}' is not one of {KafkaSecurityNames.Protocols}.");
            return; // what else depends on it cannot be judged
        }

        var protocolText = options.SecurityProtocol is null ? "unset (PLAINTEXT)" : options.SecurityProtocol;
        var sasl = KafkaSecurityNames.IsSasl(protocol);
        SaslMechanism? mechanism = null;
        if (options.SaslMechanism is { } mechanismName)
        {
            if (KafkaSecurityNames.TryParseMechanism(mechanismName, out var parsed))
            {
                mechanism = parsed;
            }
            else
            {
                failures.Add($"{Section}SaslMechanism '{mechanismName}' is not one of {KafkaSecurityNames.Mechanisms}.");
            }

            if (!sasl)
            {
                failures.Add($"{Section}SaslMechanism is set but {Section}SecurityProtocol is {protocolText}; use SASL_SSL (or SASL_PLAINTEXT).");
            }
        }
        else if (sasl)
        {
            failures.Add($"{Section}SecurityProtocol {options.SecurityProtocol} needs {Section}SaslMechanism ({KafkaSecurityNames.Mechanisms}).");
        }

        var hasPassword = options.SaslPassword is not null || options.SaslPasswordFile is not null;
        if (options.SaslPassword is not null && options.SaslPasswordFile is not null)
        {
            failures.Add($"{Section}SaslPassword and {Section}SaslPasswordFile are both set; set one.");
        }

        if (options.SaslPassword is { Length: 0 })
        {
            failures.Add($"{Section}SaslPassword is empty; leave it unset or give the password.");
        }

        if (options.SaslPasswordFile is { } passwordFile)
        {
            CheckPasswordFile(passwordFile, failures);
        }

        if (mechanism is { } m && KafkaSecurityNames.NeedsCredentials(m))
        {
            if (string.IsNullOrWhiteSpace(options.SaslUsername))
            {
                failures.Add($"{Section}SaslMechanism {options.SaslMechanism} needs {Section}SaslUsername.");
            }

            if (!hasPassword)
            {
                failures.Add($"{Section}SaslMechanism {options.SaslMechanism} needs {Section}SaslPassword or {Section}SaslPasswordFile.");
            }
        }
        else if (options.SaslMechanism is null && !sasl && (options.SaslUsername is not null || hasPassword))
        {
            failures.Add($"{Section}SaslUsername/SaslPassword are set but {Section}SaslMechanism is not; set SecurityProtocol SASL_SSL and a mechanism.");
        }

        var ssl = KafkaSecurityNames.IsSsl(protocol);
        foreach (var (name, value) in new[]
                 {
                     ("SslCaLocation", options.SslCaLocation), ("SslCertificateLocation", options.SslCertificateLocation),
                     ("SslKeyLocation", options.SslKeyLocation), ("SslKeyPassword", options.SslKeyPassword),
                 })
        {
            if (value is not null && !ssl)
            {
                failures.Add($"{Section}{name} is set but {Section}SecurityProtocol is {protocolText}; TLS settings need SSL or SASL_SSL.");
            }
        }

        if (options.SslCaLocation is { } ca && !string.Equals(ca, "probe", StringComparison.Ordinal) && !File.Exists(ca) && !Directory.Exists(ca))
        {
            failures.Add($"{Section}SslCaLocation '{ca}': no such file or folder.");
        }

        CheckFile(options.SslCertificateLocation, "SslCertificateLocation", failures);
        CheckFile(options.SslKeyLocation, "SslKeyLocation", failures);
        if ((options.SslCertificateLocation is null) != (options.SslKeyLocation is null))
        {
            failures.Add($"{Section}SslCertificateLocation and {Section}SslKeyLocation go together (mutual TLS); set both or neither.");
        }

        if (options.SslKeyPassword is not null && options.SslKeyLocation is null)
        {
            failures.Add($"{Section}SslKeyPassword is set without {Section}SslKeyLocation.");
        }
    }

    private static void CheckFile(string? path, string name, List<string> failures)
    {
        if (path is not null && !File.Exists(path))
        {
            failures.Add($"{Section}{name} '{path}': no such file.");
        }
    }

    private static void CheckPasswordFile(string path, List<string> failures)
    {
        if (!File.Exists(path))
        {
            failures.Add($"{Section}SaslPasswordFile '{path}': no such file.");
            return;
        }

        try
        {
            if (KafkaClientConfigs.ReadPasswordFile(path).Length == 0)
            {
                failures.Add($"{Section}SaslPasswordFile '{path}' is empty.");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failures.Add($"{Section}SaslPasswordFile '{path}' cannot be read: {ex.GetType().Name}.");
        }
    }
}
