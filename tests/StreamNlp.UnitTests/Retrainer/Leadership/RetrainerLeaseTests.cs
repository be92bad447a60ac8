using Confluent.Kafka;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.Topics;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Retrainer.Leadership;

namespace StreamNlp.UnitTests.Retrainer.Leadership;

/// <summary>What makes an instance the leader, and the clients of the lease and of the two feedback groups.</summary>
public sealed class RetrainerLeaseTests
{
    [Fact]
    public void HoldsLease_OnlyPartitionZeroOfTheLeaseTopic()
    {
        Assert.True(RetrainerLease.HoldsLease([new TopicPartition("lease", 0)], "lease"));
        Assert.True(RetrainerLease.HoldsLease([new TopicPartition("lease", 3), new TopicPartition("lease", 0)], "lease"));
        // The mock broker auto-creates the topic with 4 partitions: the other members get 1–3 and do not lead.
        Assert.False(RetrainerLease.HoldsLease([new TopicPartition("lease", 1), new TopicPartition("lease", 2)], "lease"));
        Assert.False(RetrainerLease.HoldsLease([new TopicPartition("other", 0)], "lease"));
        Assert.False(RetrainerLease.HoldsLease([], "lease"));
    }

    [Fact]
    public void ConsumerConfig_NeverCommits_StickyAssignment_InTheLeaseGroup()
    {
        var config = RetrainerLease.ConsumerConfig(new KafkaOptions { BootstrapServers = "127.0.0.1:9092", GroupInstanceId = "pod-1" }, "streamnlp-retrainer-lease");

        Assert.Equal("streamnlp-retrainer-lease", config.GroupId);
        Assert.False(config.EnableAutoCommit);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal("pod-1-lease", config.GroupInstanceId); // distinct from the feedback groups' static member ids
    }

    [Fact]
    public void NotStarted_IsNotLeader()
    {
        using var lease = new RetrainerLease(new KafkaOptions { BootstrapServers = "127.0.0.1:1" }, "lease", "g-lease", "abc",
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.False(lease.IsLeader);
    }

    [Fact]
    public void ServiceTopics_Retrainer_AddsTheLeaseTopicWithOnePartition()
    {
        var specs = ServiceTopics.Retrainer(new KafkaOptions { Partitions = 6, ReplicationFactor = 3 }, "nlp.retrainer.lease");

        Assert.Equal(["nlp.feedback", "nlp.deadletter", "nlp.models", "nlp.retrainer.lease"], specs.Select(s => s.Name));
        var lease = specs[^1];
        Assert.Equal(1, lease.Partitions);
        Assert.Equal(3, lease.ReplicationFactor);
        Assert.False(lease.Compacted);
    }

    [Fact]
    public void FeedbackConsumerConfig_TheTwoRoles_HaveTheirOwnClientAndStaticMemberIds()
    {
        var kafka = new KafkaOptions { BootstrapServers = "127.0.0.1:9092", GroupInstanceId = "pod-1" };

        var store = RetrainerWorker.FeedbackConsumerConfig(kafka, "streamnlp-retrainer-abc", FeedbackRole.Store);
        var deadLetters = RetrainerWorker.FeedbackConsumerConfig(kafka, "streamnlp-retrainer", FeedbackRole.DeadLetter);

        Assert.Equal("pod-1", store.GroupInstanceId);
        Assert.Equal("pod-1-deadletters", deadLetters.GroupInstanceId);
        Assert.NotEqual(store.ClientId, deadLetters.ClientId);
        Assert.False(store.EnableAutoOffsetStore);
        Assert.False(deadLetters.EnableAutoOffsetStore);
    }
}
