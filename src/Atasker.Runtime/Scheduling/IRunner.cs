namespace Atasker;

/// <summary>Runs tasks a pool has admitted, handed over one by one after the pool's lock is released (the async loops
/// and the process pool). The pool has counted the slot; the runner runs each task as a <see cref="TaskRun"/>, whose
/// end (exactly once, whatever happens) gives the slot back.</summary>
internal interface IDispatchRunner
{
    void Dispatch(TaskHandle item);
}

/// <summary>
/// A runner that takes admitted tasks from its pool itself (the supervisor's threads): the pool keeps them in its
/// ready queue, in the order it admitted them, and calls <see cref="OnReady"/> after its lock is released whenever the
/// queue may need a thread. A thread takes from the queue with <see cref="PriorityAdmission.TakeReady"/>, and a
/// thread that finishes a task takes the head of the queue (not what it admitted) with
/// <see cref="PriorityAdmission.Release"/>, so tasks start in the order they were admitted.
/// </summary>
internal interface IReadyQueueRunner
{
    void OnReady();
}
