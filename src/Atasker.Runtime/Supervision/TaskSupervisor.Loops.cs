using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <content>The async loops: created by name, one of them the default, forgotten when stopped on their own.</content>
public sealed partial class TaskSupervisor
{
    /// <summary>
    /// Creates an async loop: a dedicated thread for async tasks (<see cref="TaskOptions.Loop"/>,
    /// <see cref="BackgroundTaskAttribute.Loop"/>) and <see cref="AsyncLoop.Run{T}(Func{Task{T}})"/>. Starts the
    /// supervisor if it has not started.
    /// </summary>
    /// <param name="name">The loop's name, unique within the supervisor.</param>
    /// <param name="isDefault">Whether async tasks that name no loop run on this one (instead of the loop named
    /// "default").</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space, or the supervisor already has
    /// a loop of that name.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The supervisor is stopping or stopped.</exception>
    public AsyncLoop CreateLoop(string name, bool isDefault = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_lifecycleGate)
        {
            if (FindLoop(name) is not null)
            {
                throw new ArgumentException($"Task supervisor '{Id}' already has an async loop named '{name}'; use GetLoop(\"{name}\").", nameof(name));
            }

            var loop = AddLoop(name, $"async loop '{name}'");
            if (isDefault)
            {
                _defaultLoop = name;
            }

            return loop;
        }
    }

    /// <summary>
    /// Gets an async loop by name; null gets the default loop (the one created with <c>isDefault: true</c>, else the
    /// loop named "default", created on demand).
    /// </summary>
    /// <param name="name">The loop's name, or null for the default loop.</param>
    /// <exception cref="ArgumentException">There is no loop named <paramref name="name"/> (only the default loop is
    /// created on demand; make others with <see cref="CreateLoop"/>).</exception>
    /// <exception cref="InvalidOperationException">The default loop must be created and the supervisor is stopping or
    /// stopped.</exception>
    public AsyncLoop GetLoop(string? name = null) => LoopFor(name, "GetLoop");

    /// <summary>A stop gave up on a loop whose thread is stuck in a callback: logged and raised.</summary>
    internal void OnLoopBlocked(AsyncLoop loop, int abandoned, TimeSpan grace)
    {
        Log.LoopBlocked(Logger, loop.Name, Id, grace, abandoned);
        if (LoopBlocked is { } handlers)
        {
            EventRaiser.Raise(handlers, this, new LoopBlockedEventArgs(loop, abandoned, grace));
        }
    }

    /// <summary>Forgets a loop stopped on its own: its name may be used again.</summary>
    internal void ForgetLoop(AsyncLoop loop)
    {
        lock (_lifecycleGate)
        {
            _loops.Remove(loop);
            if (_defaultLoop == loop.Name)
            {
                _defaultLoop = null;
            }
        }
    }

    /// <summary>The loop named <paramref name="name"/> (null: the default one, created on demand).</summary>
    internal AsyncLoop LoopFor(string? name, string requester)
    {
        lock (_lifecycleGate)
        {
            name ??= _defaultLoop ?? DefaultLoopName;
            if (FindLoop(name) is { } loop)
            {
                return loop;
            }

            if (name != DefaultLoopName)
            {
                throw new ArgumentException(
                    $"Task supervisor '{Id}' has no async loop named '{name}' (asked for by {requester}); create it first with CreateLoop(\"{name}\").",
                    nameof(name));
            }

            return AddLoop(name, $"the default async loop for {requester}");
        }
    }

    /// <summary>Creates a loop; called under _lifecycleGate.</summary>
    private AsyncLoop AddLoop(string name, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!StartOnFirstUse())
        {
            throw StoppedError($"{what} was not created");
        }

        var loop = new AsyncLoop(this, name);
        _loops.Add(loop);
        return loop;
    }

    private AsyncLoop? FindLoop(string name) => _loops.Find(loop => loop.Name == name);

    private AsyncLoop[] LoopsSnapshot()
    {
        lock (_lifecycleGate)
        {
            return [.. _loops];
        }
    }
}
