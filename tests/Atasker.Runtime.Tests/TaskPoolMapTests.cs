using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Atasker.Runtime.Tests;

/// <summary>Map as concurrent.futures' Executor.map (with buffersize) and cf-taskpool's map, plus async sources.</summary>
public sealed class TaskPoolMapTests
{
    private static readonly TimeSpan Patience = Probe.Patience;

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> results)
    {
        var list = new List<T>();
        await foreach (var result in results.WithCancellation(new CancellationTokenSource(Patience).Token))
        {
            list.Add(result);
        }

        return list;
    }

    /// <summary>A source that counts how far it has been read.</summary>
    private sealed class CountingSource(int count = int.MaxValue)
    {
        private int _read;

        public int Read => Volatile.Read(ref _read);

        public IEnumerable<int> Values()
        {
            for (int i = 0; i < count; i++)
            {
                Interlocked.Increment(ref _read);
                yield return i;
            }
        }
    }

    [Fact]
    public async Task Map_yields_results_in_input_order_whatever_the_completion_order()
    {
        await using var executor = new TaskPoolExecutor(5);

        var results = await Collect(executor.Map(async (int i) =>
        {
            await Task.Delay((5 - i) * 10);
            return i * 2;
        }, Enumerable.Range(0, 5)));

        Assert.Equal([0, 2, 4, 6, 8], results);
    }

    [Fact]
    public async Task Map_over_two_sources_stops_at_the_shorter()
    {
        await using var executor = new TaskPoolExecutor(3);

        var results = await Collect(executor.Map((int x, int y) => Task.FromResult(x * y), Enumerable.Range(0, 5), Enumerable.Range(5, 100)));
        var shorterSecond = await Collect(executor.Map((int x, string y) => Task.FromResult($"{x}{y}"), Enumerable.Range(0, 5), ["a", "b"]));

        Assert.Equal([0, 6, 14, 24, 36], results);
        Assert.Equal(["0a", "1b"], shorterSecond);
    }

    [Fact]
    public async Task Map_over_an_empty_source_yields_nothing()
    {
        await using var executor = new TaskPoolExecutor();

        Assert.Empty(await Collect(executor.Map((int x) => Task.FromResult(x), [])));
    }

    [Fact]
    public async Task Map_without_buffer_submits_every_item_at_the_call()
    {
        await using var executor = new TaskPoolExecutor(10);
        var source = new CountingSource(10);
        using var allStarted = new CountdownEvent(10);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var results = executor.Map(async (int i) =>
        {
            allStarted.Signal();
            await gate.Task;
            return i;
        }, source.Values());

        Assert.Equal(10, source.Read);
        Assert.True(allStarted.Wait(Patience)); // before anyone asked for a result
        gate.SetResult();
        Assert.Equal(Enumerable.Range(0, 10), await Collect(results));
    }

    [Fact]
    public async Task Map_with_a_buffer_submits_that_many_at_the_call_and_one_more_per_result_asked_for()
    {
        await using var executor = new TaskPoolExecutor(10);
        var source = new CountingSource(100);
        var started = new ConcurrentQueue<int>();

        var results = executor.Map(async (int i) =>
        {
            started.Enqueue(i);
            await Task.Yield();
            return i;
        }, source.Values(), bufferSize: 2);

        Assert.Equal(2, source.Read);
        await using var enumerator = results.GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal(0, enumerator.Current);
        Supervisors.Eventually(() => source.Read == 3, "the third value was read");
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal(1, enumerator.Current);
        Supervisors.Eventually(() => source.Read == 4, "the fourth value was read");
        Assert.Equal(4, source.Read);
        Assert.InRange(started.Count, 2, 4);
    }

    [Fact]
    public async Task Map_with_a_buffer_handles_an_endless_source_and_stops_when_the_consumer_breaks()
    {
        await using var executor = new TaskPoolExecutor(3);
        var source = new CountingSource();
        var seen = new List<int>();

        await foreach (var result in executor.Map(async (int n) =>
        {
            await Task.Yield();
            return n * 2;
        }, source.Values(), bufferSize: 2))
        {
            seen.Add(result);
            if (result >= 20)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(0, 11).Select(n => n * 2), seen);
        Assert.InRange(source.Read, 11, 14);
    }

    [Fact]
    public async Task Map_rejects_a_buffer_size_of_zero_or_less_at_the_call()
    {
        await using var executor = new TaskPoolExecutor();
        var source = new CountingSource(3);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => executor.Map((int x) => Task.FromResult(x), source.Values(), bufferSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.Map((int x) => Task.FromResult(x), source.Values(), bufferSize: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.Map((int x) => Task.FromResult(x), AsyncRange(3), bufferSize: 0));

        Assert.Equal("bufferSize", error.ParamName);
        Assert.Equal(0, source.Read);
    }

    [Fact]
    public async Task Map_raises_an_items_failure_at_its_position_and_cancels_what_is_pending()
    {
        await using var executor = new TaskPoolExecutor(1);
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new ConcurrentQueue<int>();
        var seen = new List<int>();

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var result in executor.Map(async (int i) =>
            {
                ran.Enqueue(i);
                if (i > 2)
                {
                    await later.Task; // holds the only worker until the failure has been seen
                }

                await Task.Yield();
                return i == 2 ? throw new InvalidDataException("item 2") : i;
            }, Enumerable.Range(0, 50)))
            {
                seen.Add(result);
            }
        });
        later.SetResult();
        await executor.ShutdownAsync();

        Assert.Equal("item 2", error.Message);
        Assert.Equal([0, 1], seen);
        // The worker may take item 3 before the failure is seen; nothing after it ever starts.
        Assert.Equal(Enumerable.Range(0, ran.Count), ran);
        Assert.InRange(ran.Count, 3, 4);
    }

    [Fact]
    public async Task Leaving_a_map_early_cancels_the_items_not_yet_started()
    {
        await using var executor = new TaskPoolExecutor(1);
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new ConcurrentQueue<int>();

        await foreach (var result in executor.Map(async (int i) =>
        {
            ran.Enqueue(i);
            if (i > 0)
            {
                await later.Task;
            }

            return i;
        }, Enumerable.Range(0, 100)))
        {
            break;
        }

        later.SetResult();
        await executor.ShutdownAsync();
        // The worker may take item 1 before the consumer leaves; nothing after it ever starts.
        Assert.Equal(Enumerable.Range(0, ran.Count), ran);
        Assert.InRange(ran.Count, 1, 2);
    }

    [Fact]
    public async Task Cancelling_the_consumers_token_cancels_the_map()
    {
        await using var executor = new TaskPoolExecutor(1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new ConcurrentQueue<int>();
        using var source = new CancellationTokenSource();
        var results = executor.Map(async (int i) =>
        {
            ran.Enqueue(i);
            await gate.Task;
            return i;
        }, Enumerable.Range(0, 10));

        var consume = Task.Run(async () =>
        {
            await foreach (var result in results.WithCancellation(source.Token))
            {
            }
        });
        Supervisors.Eventually(() => ran.Count == 1, "the first item started");
        await source.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consume);
        gate.SetResult();
        await executor.ShutdownAsync();
        Assert.Single(ran);
    }

    [Fact]
    public async Task Map_over_an_async_source_yields_in_order()
    {
        await using var executor = new TaskPoolExecutor(3);

        var results = await Collect(executor.Map(async (int i) =>
        {
            await Task.Delay(i % 3);
            return i + 100;
        }, AsyncRange(20)));

        Assert.Equal(Enumerable.Range(100, 20), results);
    }

    [Fact]
    public async Task Map_over_an_async_source_with_a_buffer_reads_it_only_as_results_are_taken()
    {
        await using var executor = new TaskPoolExecutor(4);
        var read = new StrongBox<int>();

        var results = executor.Map((int i) => Task.FromResult(i), AsyncRange(1000, read), bufferSize: 3);
        await using var enumerator = results.GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        Supervisors.Eventually(() => Volatile.Read(ref read.Value) == 4, "four values were read");

        Assert.Equal(0, enumerator.Current);
        Assert.Equal(4, Volatile.Read(ref read.Value));
    }

    [Fact]
    public async Task A_failing_source_is_reported_after_the_results_before_it()
    {
        await using var executor = new TaskPoolExecutor(2);
        static IEnumerable<int> Broken()
        {
            yield return 1;
            yield return 2;
            throw new InvalidOperationException("source broke");
        }

        var seen = new List<int>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var result in executor.Map((int i) => Task.FromResult(i), Broken()))
            {
                seen.Add(result);
            }
        });

        Assert.Equal("source broke", error.Message);
        Assert.Equal([1, 2], seen);
    }

    [Fact]
    public async Task Map_results_can_be_enumerated_once()
    {
        await using var executor = new TaskPoolExecutor();
        var results = executor.Map((int x) => Task.FromResult(x), [1, 2, 3]);

        Assert.Equal([1, 2, 3], await Collect(results));
        Assert.Throws<InvalidOperationException>(() => results.GetAsyncEnumerator());
    }

    [Fact]
    public async Task Map_never_runs_more_than_max_workers_at_once()
    {
        await using var executor = new TaskPoolExecutor(2);
        int running = 0, highest = 0;

        var results = await Collect(executor.Map(async (int i) =>
        {
            TaskPoolExecutorTests.InterlockedMax(ref highest, Interlocked.Increment(ref running));
            await Task.Delay(1);
            Interlocked.Decrement(ref running);
            return i;
        }, Enumerable.Range(0, 30)));

        Assert.Equal(Enumerable.Range(0, 30), results);
        Assert.Equal(2, highest);
    }

    [Fact]
    public async Task Map_after_shutdown_during_iteration_reports_the_refusal_after_the_submitted_results()
    {
        var executor = new TaskPoolExecutor(2);
        var results = executor.Map((int i) => Task.FromResult(i), Enumerable.Range(0, 100), bufferSize: 2);
        await executor.ShutdownAsync(wait: false);

        var seen = new List<int>();
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var result in results)
            {
                seen.Add(result);
            }
        });

        Assert.Equal([0, 1], seen);
    }

    private static async IAsyncEnumerable<int> AsyncRange(int count, StrongBox<int>? read = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (read is not null)
            {
                Interlocked.Increment(ref read.Value);
            }

            yield return i;
        }
    }
}
