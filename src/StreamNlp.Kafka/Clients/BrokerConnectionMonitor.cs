using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Kafka.Clients;

/// <summary>
/// Turns librdkafka's stream of connection errors into state changes. Losing every broker is logged
/// once, recovering once; while the broker is away a summary (how long, how many errors) is logged at
/// most every 10 s instead of one line per error (librdkafka reports ~80 a second). Other client
/// errors are logged at most once per 10 s per error code, with the count of the ones held back.
/// Recovery shows in librdkafka's statistics (a broker in state UP) or in any consumed record.
/// When <c>exitAfter</c> is positive, <see cref="ExitDeadlinePassed"/> says the broker has been away
/// that long (the enrichment worker then stops with a non-zero exit code).
/// </summary>
public sealed class BrokerConnectionMonitor(ILogger logger, TimeProvider time, TimeSpan exitAfter)
{
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly Dictionary<ErrorCode, (long LastLogged, int HeldBack)> _otherErrors = [];
    private bool _down;
    private long _downSince;
    private long _lastSummary;
    private int _errorsSinceSummary;

    /// <summary>False from the moment all brokers are reported down until one answers again (readiness).</summary>
    public bool IsBrokerReachable
    {
        get
        {
            lock (_lock)
            {
                return !_down;
            }
        }
    }

    /// <summary>True when the broker has been away for longer than the configured exit delay.</summary>
    public bool ExitDeadlinePassed
    {
        get
        {
            lock (_lock)
            {
                return _down && exitAfter > TimeSpan.Zero && time.GetElapsedTime(_downSince) >= exitAfter;
            }
        }
    }

    public TimeSpan ExitAfter => exitAfter;

    public void OnError(Error error)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (error.Code == ErrorCode.Local_AllBrokersDown && !_down)
            {
                _down = true;
                _downSince = now;
                _lastSummary = now;
                _errorsSinceSummary = 0;
                KafkaLog.BrokerLost(logger, KafkaSecrets.Redact(error.Reason),
                    exitAfter > TimeSpan.Zero ? $"exiting after {exitAfter.TotalSeconds:F0} s without one" : "waiting for it");
                return;
            }

            if (_down)
            {
                _errorsSinceSummary++;
                SummaryIfDue(now);
                return;
            }

            var (lastLogged, heldBack) = _otherErrors.GetValueOrDefault(error.Code);
            if (lastLogged != 0 && time.GetElapsedTime(lastLogged, now) < SummaryInterval)
            {
                _otherErrors[error.Code] = (lastLogged, heldBack + 1);
                return;
            }

            _otherErrors[error.Code] = (now, 0);
            KafkaLog.ClientError(logger, error.Code.ToString(), KafkaSecrets.Redact(error.Reason), heldBack);
        }
    }

    /// <summary>Called on every poll: logs the periodic summary while the broker is away.</summary>
    public void Tick()
    {
        lock (_lock)
        {
            if (_down)
            {
                SummaryIfDue(time.GetTimestamp());
            }
        }
    }

    /// <summary>A broker answered (a record arrived, or statistics show a broker UP).</summary>
    public void OnAlive()
    {
        lock (_lock)
        {
            if (!_down)
            {
                return;
            }

            _down = false;
            KafkaLog.BrokerRestored(logger, time.GetElapsedTime(_downSince).TotalSeconds, _errorsSinceSummary);
        }
    }

    /// <summary>librdkafka's statistics JSON: any broker in state <c>UP</c> means the connection is back.</summary>
    public void OnStatistics(string json)
    {
        if (AnyBrokerUp(json))
        {
            OnAlive();
        }
    }

    public static bool AnyBrokerUp(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("brokers", out var brokers) || brokers.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var broker in brokers.EnumerateObject())
            {
                if (broker.Value.TryGetProperty("state", out var state) && state.ValueEquals("UP"))
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // not statistics we understand: no signal either way
        }

        return false;
    }

    private void SummaryIfDue(long now)
    {
        if (time.GetElapsedTime(_lastSummary, now) < SummaryInterval)
        {
            return;
        }

        KafkaLog.BrokerStillLost(logger, time.GetElapsedTime(_downSince, now).TotalSeconds, _errorsSinceSummary);
        _lastSummary = now;
        _errorsSinceSummary = 0;
    }
}
