namespace StreamNlp.Labeling.Api;

/// <summary>The answer of <c>GET /api/review</c>: the items leased to the caller, and how many wait in all (any task, leased or not).</summary>
public sealed record ReviewItemsView(IReadOnlyList<ReviewItemView> Items, int Waiting);
