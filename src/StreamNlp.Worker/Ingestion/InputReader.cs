using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamNlp.Kafka.Clients;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.Worker.Ingestion;

/// <summary>
/// The consume loop, on its own thread. It never blocks on the pipeline: it writes every record to an
/// unbounded channel and, when the <see cref="BufferGauge"/> passes its high mark, pauses the assigned
/// partitions (resuming at the low mark) while it keeps polling. So the consumer always answers
/// rebalances and heartbeats in time, however slow inference is. Rebalance callbacks run on this thread
/// inside <c>Consume</c>.
/// </summary>
public sealed class InputReader(
    IConsumer<byte[]?, byte[]?> consumer,
    ChannelWriter<ConsumedInput> writer,
    BufferGauge buffer,
    PartitionGenerations generations,
    BrokerConnectionMonitor monitor,
    Health.WorkerHealth health,
    InputPreparation preparation,
    ILogger logger,
    GroupJoinWatch? joinWatch = null,
    string? groupInstanceId = null)
{
    /// <summary>Longest a poll waits, so flow control and the broker monitor are checked often.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public void Run(CancellationToken cancellationToken)
    {
        var paused = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                paused = ApplyFlowControl(paused);
                monitor.Tick();
                health.Polled();
                if (monitor.ExitDeadlinePassed)
                {
                    throw new BrokerUnavailableException(monitor.ExitAfter);
                }

                if (joinWatch is { GaveUp: true })
                {
                    throw new GroupProtocolUnsupportedException(joinWatch.Patience);
                }

                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(PollInterval);
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    monitor.OnError(ex.Error);
                    continue;
                }
                catch (ConsumeException ex) when (ex.Error.Code is ErrorCode.UnreleasedInstanceId or ErrorCode.FencedInstanceId)
                {
                    throw new GroupInstanceInUseException(groupInstanceId ?? "", ex.Error.Reason);
                }

                if (result?.Message is null)
                {
                    continue;
                }

                monitor.OnAlive();
                var input = preparation.Prepare(result, generations.Current(result.TopicPartition));
                writer.TryWrite(input); // unbounded: never blocks; the gauge bounds it through Pause
                buffer.Added();
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private bool ApplyFlowControl(bool paused)
    {
        var changed = generations.TakeAssignmentChanged();
        if (!paused && buffer.ShouldPause)
        {
            Pause("pausing");
            return true;
        }

        if (paused && buffer.ShouldResume)
        {
            var assignment = consumer.Assignment;
            consumer.Resume(assignment);
            WorkerLog.FlowControl(logger, buffer.Count, "resuming", assignment.Count);
            return false;
        }

        if (changed)
        {
            if (paused)
            {
                Pause("pausing newly assigned"); // partitions assigned while paused stay paused
            }
            else
            {
                // librdkafka keeps a partition's pause flag across revoke and re-assignment: a partition
                // paused here, revoked, then assigned back after the resume would otherwise never flow again.
                var assignment = consumer.Assignment;
                consumer.Resume(assignment);
                WorkerLog.FlowControl(logger, buffer.Count, "resuming newly assigned", assignment.Count);
            }
        }

        return paused;
    }

    private void Pause(string action)
    {
        var assignment = consumer.Assignment;
        consumer.Pause(assignment);
        WorkerLog.FlowControl(logger, buffer.Count, action, assignment.Count);
    }
}
