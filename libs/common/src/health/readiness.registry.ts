import { Injectable } from '@nestjs/common';

export interface ReadinessCheck {
  /** Short name shown in `/ready`'s answer, e.g. `postgres`, `redis`. */
  name: string;
  check(): Promise<void>;
}

/**
 * Dependencies announce themselves here (the database and messaging modules register their
 * checks at init), so `/ready` checks exactly what a process uses.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  list(): ReadinessCheck[] {
    return [...this.checks.values()];
  }
}
