using System.ComponentModel;
using System.Threading;

namespace Atasker.CompilerServices
{
    /// <summary>
    /// The body of a generated <c>StartX</c> stub whose method returns nothing, as a type: the generator writes one
    /// empty struct per method and passes it to <see cref="TaskLauncher"/> as a type argument, so the handle holds no
    /// delegate (a handle per task: a reference less is 8 bytes less per task) and the call is direct. Not meant to be
    /// implemented by hand.
    /// </summary>
    /// <typeparam name="TState">The target and the arguments.</typeparam>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface ITaskBody<in TState>
    {
        /// <summary>Calls the method with <paramref name="state"/>.</summary>
        /// <param name="state">The target and the arguments the stub packed.</param>
        /// <param name="cancellationToken">The task's token (none unless the method takes it).</param>
        void Run(TState state, CancellationToken cancellationToken);
    }

    /// <summary>The body of a generated stub whose method returns a <typeparamref name="TResult"/> (see
    /// <see cref="ITaskBody{TState}"/>).</summary>
    /// <typeparam name="TState">The target and the arguments.</typeparam>
    /// <typeparam name="TResult">The method's result.</typeparam>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface ITaskBody<in TState, out TResult>
    {
        /// <summary>Calls the method with <paramref name="state"/> and returns its result.</summary>
        /// <param name="state">The target and the arguments the stub packed.</param>
        /// <param name="cancellationToken">The task's token (none unless the method takes it).</param>
        TResult Run(TState state, CancellationToken cancellationToken);
    }
}

namespace Atasker
{
    using System;
    using Atasker.CompilerServices;

    // The handles of generated stubs: the body is a struct type argument, called through default(TBody), which the JIT
    // (and NativeAOT) specializes per struct and inlines; only the state is a field.

    /// <summary>A task whose body, a generated struct, returns a value.</summary>
    internal sealed class BodyFuncTask<TState, TResult, TBody> : TaskHandle<TResult>
        where TBody : struct, ITaskBody<TState, TResult>
    {
        private TState _state;

        public BodyFuncTask(TState state) => _state = state;

        internal override void InvokeBody(CancellationToken cancellationToken)
        {
            var state = _state;
            _state = default!; // a finished handle may live long in the caller's hands; it should not keep the arguments alive
            SetResult(default(TBody).Run(state, cancellationToken));
        }
    }

    /// <summary>A task whose body, a generated struct, returns nothing.</summary>
    internal sealed class BodyActionTask<TState, TBody> : TaskHandle
        where TBody : struct, ITaskBody<TState>
    {
        private TState _state;

        public BodyActionTask(TState state) => _state = state;

        internal override void InvokeBody(CancellationToken cancellationToken)
        {
            var state = _state;
            _state = default!;
            default(TBody).Run(state, cancellationToken);
        }
    }

    /// <summary>The bodies of tasks submitted as delegates: the delegate is the state, so the handle holds it alone.</summary>
    internal static class DelegateBodies
    {
        internal readonly struct CallFunc<T> : ITaskBody<Func<CancellationToken, T>, T>
        {
            public T Run(Func<CancellationToken, T> state, CancellationToken cancellationToken) => state(cancellationToken);
        }

        internal readonly struct CallAction : ITaskBody<Action<CancellationToken>>
        {
            public void Run(Action<CancellationToken> state, CancellationToken cancellationToken) => state(cancellationToken);
        }

        internal readonly struct CallFuncWithoutToken<T> : ITaskBody<Func<T>, T>
        {
            public T Run(Func<T> state, CancellationToken cancellationToken) => state();
        }

        internal readonly struct CallActionWithoutToken : ITaskBody<Action>
        {
            public void Run(Action state, CancellationToken cancellationToken) => state();
        }
    }
}
