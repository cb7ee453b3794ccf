using BenchmarkDotNet.Attributes;

namespace Atasker.Benchmarks.Suites;

/// <summary>Comparisons 1, 8 and 9 under BenchmarkDotNet: no-op tasks in a pool that never fills, per task.</summary>
[MemoryDiagnoser]
public class ThreadTaskBenchmarks
{
    private const int Batch = 2_000;

    private readonly Countdown _countdown = new();
    private readonly Task[] _tasks = new Task[Batch];
    private TaskSupervisor _supervisor = null!;
    private TaskOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _supervisor = new TaskSupervisor("bdn-noop");
        _supervisor.SetThreadPool(0);
        _options = new TaskOptions { Supervisor = _supervisor };
    }

    [GlobalCleanup]
    public void Cleanup() => _supervisor.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public void TaskRunWhenAll() => Scenarios.TaskRunWhenAll(Batch, _tasks);

    [Benchmark(OperationsPerInvoke = Batch)]
    public void ThreadPoolQueue() => Scenarios.ThreadPoolQueue(Batch, _countdown);

    [Benchmark(OperationsPerInvoke = Batch)]
    public void AtaskerMixedStubs() => Scenarios.AtaskerMixedStubs(Batch, _countdown, _options);

    [Benchmark(OperationsPerInvoke = Batch)]
    public void AtaskerDelegates() => Scenarios.AtaskerDelegates(Batch, _countdown, _supervisor);
}
