namespace Atasker;

/// <summary>A snapshot of one pool.</summary>
/// <param name="Limits">The pool's limits.</param>
/// <param name="Active">Tasks admitted and not yet finished (Critical ones included).</param>
/// <param name="Queued">Tasks waiting for a slot (delayed tasks are not counted: they hold nothing yet).</param>
public sealed record PoolInfo(PoolLimits Limits, int Active, int Queued);
