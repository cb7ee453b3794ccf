namespace Atasker.Benchmarks.Quick;

/// <summary>One way of doing the work a comparison measures: <see cref="Run"/> performs the given number of operations.</summary>
internal sealed record Contender(string Name, Action<int> Run);

/// <summary>One measured round: time and allocation per operation.</summary>
internal readonly record struct Sample(double NanosecondsPerOp, double BytesPerOp);
