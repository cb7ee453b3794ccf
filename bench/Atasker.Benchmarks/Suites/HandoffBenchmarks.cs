using BenchmarkDotNet.Attributes;

namespace Atasker.Benchmarks.Suites;

/// <summary>Comparisons 2 and 9 under BenchmarkDotNet: a one-slot pool with a long queue, per task.</summary>
[MemoryDiagnoser]
public class HandoffBenchmarks
{
    private const int Batch = 2_000;

    private readonly Countdown _countdown = new();
    private readonly SemaphoreSlim _gate = new(1);
    private TaskSupervisor _supervisor = null!;
    private TaskOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _supervisor = new TaskSupervisor("bdn-one-slot");
        _supervisor.SetThreadPool(1);
        _options = new TaskOptions { Supervisor = _supervisor };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _supervisor.Dispose();
        _gate.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public void SemaphoreGate() => Scenarios.SemaphoreGate(Batch, _countdown, _gate);

    [Benchmark(OperationsPerInvoke = Batch)]
    public void AtaskerOneSlot() => Scenarios.AtaskerStubs(Batch, _countdown, _options);
}
