/** An error meant for a person: printed as one line, without a stack trace. */
export class StackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackError";
  }
}
