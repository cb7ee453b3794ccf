using System.Runtime.CompilerServices;

namespace Atasker.IntegrationTests;

// Classes compiled through the real generator: the tests call their StartX launchers.

public partial class Calculator
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    [BackgroundTask(Priority = TaskPriority.High)]
    public partial int Square(int x)
    {
        Interlocked.Increment(ref _calls);
        return x * x;
    }

    [BackgroundTask]
    public static partial string Join(string separator, params string[] parts) => string.Join(separator, parts);

    [BackgroundTask(Delay = 0.05)]
    public partial void Record(List<string> log, string entry)
    {
        lock (log)
        {
            log.Add(entry);
        }
    }

    [BackgroundTask]
    public partial bool WaitForCancel(ManualResetEventSlim started, CancellationToken cancellationToken)
    {
        started.Set();
        cancellationToken.WaitHandle.WaitOne();
        cancellationToken.ThrowIfCancellationRequested();
        return false;
    }

    [BackgroundTask(Priority = TaskPriority.Low)]
    internal partial T Identity<T>(T value) where T : notnull => value;

    [BackgroundTask]
    public partial long SumAsync(long a, long b) => a + b;

    [BackgroundTask]
    public partial int Divide(int a, int b) => a / b;

    [BackgroundTask]
    public partial string Describe(string name, int times = 2);

    public partial string Describe(string name, int times) => string.Concat(Enumerable.Repeat(name, times));
}

public static partial class Outer
{
    public partial struct Accumulator
    {
        public int Seed;

        [BackgroundTask]
        public readonly partial int Add(int x) => Seed + x;
    }
}

public partial record Greeting(string Name)
{
    [BackgroundTask]
    public partial string Say() => $"Hello, {Name}";
}

public partial class Box<T>
{
    [BackgroundTask]
    public partial T Get(T value) => value;
}

/// <summary>Tasks of three priorities that record the order they ran in.</summary>
public partial class Ordered(List<string> log)
{
    [BackgroundTask(Priority = TaskPriority.Low)]
    public partial void Low(string name) => Add(name);

    [BackgroundTask(Priority = TaskPriority.Normal)]
    public partial void Normal(string name) => Add(name);

    [BackgroundTask(Priority = TaskPriority.High)]
    public partial void High(string name) => Add(name);

    [BackgroundTask(Priority = TaskPriority.Critical)]
    public partial void Hold(ManualResetEventSlim started, ManualResetEventSlim release)
    {
        started.Set();
        release.Wait();
    }

    private void Add(string name)
    {
        lock (log)
        {
            log.Add(name);
        }
    }
}

public static partial class Ticks
{
    private static int s_count;

    public static int Count => Volatile.Read(ref s_count);

    [BackgroundTask]
    public static partial void Tick() => Interlocked.Increment(ref s_count);

    [BackgroundTask]
    public static partial void TickBy(StrongBox<int> box) => Interlocked.Increment(ref box.Value);
}
