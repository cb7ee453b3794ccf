using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// One <c>Map</c> call of a <see cref="TaskPoolExecutor"/>. A pump reads the source and submits an item per value; it
/// starts inside the call, so a sync source is submitted there (all of it, or the first <c>bufferSize</c> values). With
/// a buffer, the pump takes a credit per value: <c>bufferSize</c> to begin with, and one more each time the consumer
/// asks for a result. The consumer awaits the submitted items in order.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The token source has no timer; it is only ever canceled.")]
internal sealed partial class TaskPoolMap<TArgument, TResult> : IAsyncEnumerable<TResult>
{
    private readonly TaskPoolExecutor _executor;
    private readonly Func<TArgument, Task<TResult>> _fn;
    private readonly MapSource<TArgument> _source;
    private readonly SemaphoreSlim? _credits;
    private readonly CancellationTokenSource _cancel = new();
    private readonly Channel<Task<TResult>> _submitted =
        Channel.CreateUnbounded<Task<TResult>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    // Written by the pump before it completes the channel; read by the consumer after it saw the channel end.
    private Exception? _sourceFailure;
    private int _enumerated;

    private TaskPoolMap(TaskPoolExecutor executor, Func<TArgument, Task<TResult>> fn, MapSource<TArgument> source, int? bufferSize)
    {
        _executor = executor;
        _fn = fn;
        _source = source;
        _credits = bufferSize is { } size ? new SemaphoreSlim(size) : null;
    }

    public static TaskPoolMap<TArgument, TResult> Start(
        TaskPoolExecutor executor,
        Func<TArgument, Task<TResult>> fn,
        MapSource<TArgument> source,
        int? bufferSize)
    {
        if (bufferSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "bufferSize must be greater than 0 (or null to submit every item at once).");
        }

        // As concurrent.futures: after a shutdown, a map over nothing yields nothing; a map with work is refused.
        if (executor.IsShutDown && !(source is SyncSource<TArgument> values && values.IsEmpty()))
        {
            executor.ThrowIfShutDown();
        }

        var map = new TaskPoolMap<TArgument, TResult>(executor, fn, source, bufferSize);
        _ = map.PumpAsync();
        return map;
    }

    public IAsyncEnumerator<TResult> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("The results of TaskPoolExecutor.Map can be enumerated only once.");
        }

        return new Enumerator(this, Results(cancellationToken).GetAsyncEnumerator(cancellationToken));
    }

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                if (_credits is not null)
                {
                    await _credits.WaitAsync(_cancel.Token).ConfigureAwait(false);
                }

                if (!await _source.MoveNextAsync(_cancel.Token).ConfigureAwait(false))
                {
                    break;
                }

                var item = new TaskPoolMapItem<TArgument, TResult>(_fn, _source.Current, _cancel.Token);
                _executor.Enqueue(item);
                _submitted.Writer.TryWrite(item.TypedCompletion);
            }
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // The consumer left: nothing more to submit.
        }
#pragma warning disable CA1031 // The source's failure (or a shutdown refusing the next item) goes to the consumer.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            _sourceFailure = failure;
        }
        finally
        {
            try
            {
                await _source.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Reported like a failure of the source, unless one came first.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                _sourceFailure ??= failure;
            }

            _submitted.Writer.TryComplete();
        }
    }

    private async IAsyncEnumerable<TResult> Results([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _submitted.Reader;
        try
        {
            while (true)
            {
                // Asking for a result lets one more value be submitted while we wait (bufferSize + 1 in flight).
                _credits?.Release();
                if (!reader.TryRead(out var next))
                {
                    if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) || !reader.TryRead(out next))
                    {
                        break;
                    }
                }

                yield return await next.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_sourceFailure is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            CancelRest(reader);
        }
    }

    /// <summary>The consumer is done (finished, failed, or left early): what has not run never will, and failures
    /// nobody will look at are observed. Called by the results' own finally and by the enumerator's disposal (which
    /// may come before the first read, when that finally has never been entered); doing it twice is harmless.</summary>
    private void CancelRest(ChannelReader<Task<TResult>> reader)
    {
        _cancel.Cancel();
        while (reader.TryRead(out var abandoned))
        {
            _ = abandoned.ContinueWith(
                static task => _ = task.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }
}

/// <summary>
/// The results' enumerator: disposing it cancels what is pending whenever that happens, even before the first
/// <c>MoveNextAsync</c> (an iterator's <c>finally</c> runs only once it has started).
/// </summary>
internal sealed partial class TaskPoolMap<TArgument, TResult>
{
    private sealed class Enumerator(TaskPoolMap<TArgument, TResult> map, IAsyncEnumerator<TResult> results) : IAsyncEnumerator<TResult>
    {
        public TResult Current => results.Current;

        public ValueTask<bool> MoveNextAsync() => results.MoveNextAsync();

        public async ValueTask DisposeAsync()
        {
            map.CancelRest(map._submitted.Reader);
            await results.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>The values a <c>Map</c> runs over: a sync or an async sequence, read by one pump.</summary>
internal abstract class MapSource<T> : IAsyncDisposable
{
    public abstract T Current { get; }

    public abstract ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A sync sequence: read inside the pump, so within the <c>Map</c> call as far as the buffer allows.</summary>
internal sealed class SyncSource<T>(IEnumerable<T> source) : MapSource<T>
{
    private IEnumerator<T>? _enumerator;
    private bool? _peeked; // the first MoveNext, made by IsEmpty before the pump reads

    public override T Current => _enumerator!.Current;

    /// <summary>Whether the sequence has no value (reads its first one, which the pump then gets first).</summary>
    public bool IsEmpty()
    {
        _enumerator ??= source.GetEnumerator();
        _peeked ??= _enumerator.MoveNext();
        return !_peeked.Value;
    }

    public override ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        _enumerator ??= source.GetEnumerator();
        if (_peeked is { } peeked)
        {
            _peeked = null;
            return new ValueTask<bool>(peeked);
        }

        return new ValueTask<bool>(_enumerator.MoveNext());
    }

    public override ValueTask DisposeAsync()
    {
        _enumerator?.Dispose();
        return default;
    }
}

/// <summary>An async sequence: enumerated with the map's token, so leaving early stops it.</summary>
internal sealed class AsyncSource<T>(IAsyncEnumerable<T> source) : MapSource<T>
{
    private IAsyncEnumerator<T>? _enumerator;

    public override T Current => _enumerator!.Current;

    public override ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        _enumerator ??= source.GetAsyncEnumerator(cancellationToken);
        return _enumerator.MoveNextAsync();
    }

    public override ValueTask DisposeAsync() => _enumerator?.DisposeAsync() ?? default;
}
