using System.Threading.Channels;

namespace Atasker.Benchmarks;

/// <summary>
/// The measured loops, once: the quick mode's contenders and the BenchmarkDotNet suites both call these, so the two
/// modes always measure the same thing. Each runs <c>n</c> operations and returns when all of them have finished.
/// </summary>
public static class Scenarios
{
    public static void AtaskerMixedStubs(int n, Countdown countdown, TaskOptions options)
    {
        countdown.Reset(n);
        for (int i = 0; i < n; i++)
        {
            _ = Workloads.StartMixed(i, countdown, options);
        }

        countdown.Wait();
    }

    public static void AtaskerStubs(int n, Countdown countdown, TaskOptions options)
    {
        countdown.Reset(n);
        for (int i = 0; i < n; i++)
        {
            _ = Workloads.StartNoopNormal(countdown, options);
        }

        countdown.Wait();
    }

    public static void AtaskerDelegates(int n, Countdown countdown, TaskSupervisor supervisor)
    {
        countdown.Reset(n);
        for (int i = 0; i < n; i++)
        {
            _ = supervisor.Submit(() => Workloads.NoopNormal(countdown));
        }

        countdown.Wait();
    }

    /// <summary>No-op tasks through a generated stub, waited for with TaskHandle.WaitCompleted.</summary>
    public static void AtaskerWaitCompleted(int n, TaskHandle[] handles, TaskOptions options)
    {
        for (int i = 0; i < n; i++)
        {
            handles[i] = Workloads.StartNoop(options);
        }

        _ = TaskHandle.WaitCompleted(new ArraySegment<TaskHandle>(handles, 0, n));
    }

    public static void TaskRunWaitAll(int n, Task[] tasks)
    {
        for (int i = 0; i < n; i++)
        {
            tasks[i] = Task.Run(static () => { });
        }

        Task.WaitAll(tasks.AsSpan(0, n));
    }

    public static void TaskRunWhenAll(int n, Task[] tasks)
    {
        for (int i = 0; i < n; i++)
        {
            tasks[i] = Task.Run(static () => { });
        }

        Task.WhenAll(tasks.AsSpan(0, n)).Wait();
    }

    public static void TaskRunCountdown(int n, Countdown countdown)
    {
        countdown.Reset(n);
        for (int i = 0; i < n; i++)
        {
            _ = Task.Run(countdown.Signal);
        }

        countdown.Wait();
    }

    public static void ThreadPoolQueue(int n, Countdown countdown)
    {
        countdown.Reset(n);
        for (int i = 0; i < n; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static c => c.Signal(), countdown, preferLocal: false);
        }

        countdown.Wait();
    }

    /// <summary>The classic way to cap concurrency at one: every work item awaits a SemaphoreSlim(1).</summary>
    public static void SemaphoreGate(int n, Countdown countdown, SemaphoreSlim gate)
    {
        countdown.Reset(n);
        for (int i = 0; i < n; i++)
        {
            _ = Task.Run(async () =>
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    countdown.Signal();
                }
                finally
                {
                    gate.Release();
                }
            });
        }

        countdown.Wait();
    }

    /// <summary>Async tasks through a generated stub, on the supervisor's default loop.</summary>
    public static void AtaskerAsyncStubs(int n, Countdown countdown, TaskOptions options)
    {
        countdown.Reset(n);
        for (int i = 0; i < n; i++)
        {
            _ = Workloads.StartYield(countdown, options);
        }

        countdown.Wait();
    }

    public static void TaskRunAsync(int n, Countdown countdown)
    {
        countdown.Reset(n);
        for (int i = 0; i < n; i++)
        {
            _ = Task.Run(async () =>
            {
                await Task.Yield();
                countdown.Signal();
            });
        }

        countdown.Wait();
    }

    /// <summary>TaskPoolExecutor.Map over 0..n-1, consumed in order.</summary>
    public static void ExecutorMap(int n, TaskPoolExecutor executor) => Consume(executor.Map(Workloads.YieldValueAsync, Enumerable.Range(0, n))).Wait();

    /// <summary>TaskPoolExecutor.Submit for each of 0..n-1, then Task.WhenAll.</summary>
    public static void ExecutorSubmitWhenAll(int n, TaskPoolExecutor executor, Task[] tasks)
    {
        for (int i = 0; i < n; i++)
        {
            int value = i;
            tasks[i] = executor.Submit(() => Workloads.YieldValueAsync(value));
        }

        Task.WhenAll(tasks.AsSpan(0, n)).Wait();
    }

    public static void ParallelForEach(int n, int degree) =>
        Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = degree }, async (value, _) => await Workloads.YieldValueAsync(value).ConfigureAwait(false)).Wait();

    /// <summary>The hand-written pattern: a task per item, each waiting on a SemaphoreSlim(degree), then WhenAll.</summary>
    public static void SemaphoreWhenAll(int n, SemaphoreSlim gate, Task[] tasks)
    {
        for (int i = 0; i < n; i++)
        {
            tasks[i] = Gated(i, gate);
        }

        Task.WhenAll(tasks.AsSpan(0, n)).Wait();

        static async Task<int> Gated(int value, SemaphoreSlim gate)
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                return await Workloads.YieldValueAsync(value).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private static async Task Consume(IAsyncEnumerable<int> results)
    {
        await foreach (var _ in results.ConfigureAwait(false))
        {
        }
    }

    /// <summary>Bounded parallelism without priorities: producers feed four consumers through a channel.</summary>
    public static void ChannelConsumers(int n, Countdown countdown, int producers)
    {
        var channel = Channel.CreateUnbounded<Countdown>();
        var consumers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await foreach (var item in channel.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                item.Signal();
            }
        })).ToArray();
        Produce(n, producers, _ => channel.Writer.TryWrite(countdown), countdown);
        channel.Writer.Complete();
        Task.WaitAll(consumers);
    }

    public static void AtaskerProducers(int n, Countdown countdown, int producers, TaskOptions[] byPriority) =>
        Produce(n, producers, i => Workloads.StartNoopNormal(countdown, byPriority[i % byPriority.Length]), countdown);

    /// <summary>Submits from <paramref name="producers"/> threads released together by a barrier.</summary>
    private static void Produce(int total, int producers, Action<int> submit, Countdown countdown)
    {
        countdown.Reset(total);
        using var start = new Barrier(producers + 1);
        var threads = Enumerable.Range(0, producers).Select(producer => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = producer; i < total; i += producers)
            {
                submit(i);
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        start.SignalAndWait();
        threads.ForEach(thread => thread.Join());
        countdown.Wait();
    }
}
