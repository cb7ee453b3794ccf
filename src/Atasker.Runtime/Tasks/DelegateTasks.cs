using System;
using System.Threading;

namespace Atasker;

// The handles whose body is a delegate field: stubs of generic methods (the body a static lambda) and worker runs. The
// state is a value (for generated stubs, a tuple of the target and the arguments), so a submission allocates the handle
// and nothing else. Stubs of other sync methods and submitted delegates use the handles of TaskBodies.cs, which hold no
// body field.

/// <summary>A task whose body returns a value.</summary>
internal class FuncTask<TState, TResult> : TaskHandle<TResult>
{
    private TState _state;
    private Func<TState, CancellationToken, TResult>? _body;

    public FuncTask(TState state, Func<TState, CancellationToken, TResult> body)
    {
        _state = state;
        _body = body;
    }

    internal override void InvokeBody(CancellationToken cancellationToken)
    {
        var body = _body!;
        var state = _state;

        // A finished handle may live long in the caller's hands; it should not keep the arguments alive.
        _body = null;
        _state = default!;
        SetResult(body(state, cancellationToken));
    }
}

/// <summary>A task whose body returns nothing.</summary>
internal sealed class ActionTask<TState> : TaskHandle
{
    private TState _state;
    private Action<TState, CancellationToken>? _body;

    public ActionTask(TState state, Action<TState, CancellationToken> body)
    {
        _state = state;
        _body = body;
    }

    internal override void InvokeBody(CancellationToken cancellationToken)
    {
        var body = _body!;
        var state = _state;
        _body = null;
        _state = default!;
        body(state, cancellationToken);
    }
}
