using StreamNlp.Core.Contracts;

namespace StreamNlp.Labeling.Queue;

/// <summary>A review item handed to one annotator, kept from the others until <see cref="ExpiresAt"/>.</summary>
public sealed record ReviewLease(ReviewItem Item, DateTimeOffset ExpiresAt);
