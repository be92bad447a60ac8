using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using StreamNlp.Kafka;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.UnitTests.Logging;
using StreamNlp.UnitTests.Training;

namespace StreamNlp.UnitTests.Kafka.Clients;

public sealed class KafkaLogBridgeTests
{
    [Fact]
    public void Route_LineEchoingARememberedSecret_IsRedacted()
    {
        var logger = new CapturingLogger();
        KafkaSecrets.Remember("echoed-Pa55-0b2d");

        KafkaLogBridge.Route(logger, new LogMessage("client-1", SyslogLevel.Debug, "SASL", "auth with password echoed-Pa55-0b2d failed"));
        KafkaLogBridge.Route(logger, new LogMessage($"client-{Guid.NewGuid():N}", SyslogLevel.Error, "FAIL", "error: echoed-Pa55-0b2d"));

        Assert.Equal(2, logger.Lines.Count);
        Assert.All(logger.Lines, l => Assert.DoesNotContain("echoed-Pa55-0b2d", l.Message, StringComparison.Ordinal));
        Assert.Contains(KafkaSecrets.Mask, logger.Lines[0].Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs every log path a secured client has: the start-up settings line, librdkafka's own debug log of a
    /// consumer, a producer and an admin client failing to reach 127.0.0.1:9 over SASL_SSL (its configuration
    /// dump, connection attempts and errors), the error handler through the broker monitor, and validation.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Clients_SaslWithDebugLogging_NoLineContainsThePassword(bool passwordFromFile)
    {
        var password = $"leak-check-{Guid.NewGuid():N}";
        using var ca = new TemporaryFile("", ".pem");
        SecuredKafka.WriteCaCertificate(ca.Path);
        using var passwordFile = new TemporaryFile(password + "\n");
        var options = SecuredKafka.Options(ca.Path, bootstrap: "127.0.0.1:9");
        options.SaslMechanism = "PLAIN";
        options.SaslPassword = passwordFromFile ? null : password;
        options.SaslPasswordFile = passwordFromFile ? passwordFile.Path : null;
        options.Consumer["debug"] = "all";
        options.Producer["debug"] = "all";
        options.Admin["debug"] = "all";
        var logger = new CapturingLogger();
        var monitor = new BrokerConnectionMonitor(logger, new FakeTimeProvider(), TimeSpan.Zero);

        Assert.True(new KafkaOptionsValidator().Validate(null, options).Succeeded);
        KafkaLog.Settings(logger, "test", options.ToString());
        using (var consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaClientConfigs.Consumer(options, "g", "leak-test"))
                   .SetErrorHandler((_, e) => monitor.OnError(e)).RouteLogsTo(logger).Build())
        using (var producer = new ProducerBuilder<Null, string>(KafkaClientConfigs.Producer(options, "leak-test", c => c.MessageTimeoutMs = 1500))
                   .SetErrorHandler((_, e) => monitor.OnError(e)).RouteLogsTo(logger).Build())
        using (var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(options, "leak-test")).RouteLogsTo(logger).Build())
        {
            consumer.Subscribe("nlp.input");
            var delivery = producer.ProduceAsync("nlp.input", new Message<Null, string> { Value = "x" });
            Assert.ThrowsAny<KafkaException>(() => admin.GetMetadata(TimeSpan.FromMilliseconds(500)));
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                consumer.Consume(TimeSpan.FromMilliseconds(100));
            }

            await Assert.ThrowsAsync<ProduceException<Null, string>>(() => delivery);
            consumer.Close();
        }

        var invalid = SecuredKafka.Options(ca.Path);
        invalid.SaslPassword = password;
        invalid.SaslUsername = null;
        var failure = new KafkaOptionsValidator().Validate(null, invalid).FailureMessage;

        var lines = logger.Lines.Select(l => l.Message).Append(failure).Concat(logger.Values).ToList();
        Assert.True(logger.Lines.Count > 50, $"only {logger.Lines.Count} lines captured: the debug log did not run");
        Assert.Contains(logger.Lines, l => l.Message.Contains("127.0.0.1:9", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.Message.Contains("sasl", StringComparison.OrdinalIgnoreCase));
        Assert.All(lines, line => Assert.DoesNotContain(password, line, StringComparison.Ordinal));
    }
}
