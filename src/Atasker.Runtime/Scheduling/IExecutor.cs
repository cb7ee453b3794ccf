namespace Atasker;

/// <summary>Runs tasks a pool has admitted. The pool has counted the slot; the executor must, whatever happens,
/// end up calling <see cref="TaskHandle.Execute"/> (or an equivalent) so the slot is given back.</summary>
internal interface IExecutor
{
    void Dispatch(TaskHandle item);
}
