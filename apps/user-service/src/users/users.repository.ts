import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Role } from '@pingvas/common';
import { type EntityManager, Repository } from 'typeorm';
import { UserEntity } from './user.entity';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email });
  }

  /** Inserts a user; resolves to null when the email is already taken. */
  async insert(
    user: Omit<UserEntity, 'createdAt' | 'updatedAt'>,
    manager: EntityManager,
  ): Promise<UserEntity | null> {
    try {
      await manager.getRepository(UserEntity).insert(user);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw err;
    }
    return manager.getRepository(UserEntity).findOneByOrFail({ id: user.id });
  }

  async update(
    id: string,
    changes: Partial<Pick<UserEntity, 'displayName' | 'passwordHash' | 'role'>>,
  ): Promise<void> {
    await this.users.update({ id }, changes);
  }

  async setRoleByEmail(email: string, role: Role): Promise<boolean> {
    const result = await this.users.update({ email }, { role });
    return (result.affected ?? 0) > 0;
  }
}
