package dev.lattice.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Who is in which room: room r holds users {@code r·m, r·m+1, …, r·m+m−1} (modulo the number of users), m =
 * members per room. The first member sends; the others sync and should see every message exactly once. With as many
 * users as rooms × members, every user is in one room; with fewer, users are shared between rooms.
 *
 * @param users how many users are registered
 * @param rooms how many rooms
 * @param membersPerRoom members of each room, the sender included; at least 2
 */
public record RoomLayout(int users, int rooms, int membersPerRoom) {

    public RoomLayout {
        if (rooms < 1) {
            throw new IllegalArgumentException("at least one room is needed");
        }
        if (membersPerRoom < 2) {
            throw new IllegalArgumentException("a room needs a sender and at least one other member");
        }
        if (users < membersPerRoom) {
            throw new IllegalArgumentException(
                    users + " users cannot fill rooms of " + membersPerRoom + " distinct members");
        }
    }

    /** The indexes of room {@code room}'s members, sender first; all distinct. */
    public List<Integer> members(int room) {
        List<Integer> members = new ArrayList<>(membersPerRoom);
        for (int j = 0; j < membersPerRoom; j++) {
            members.add((int) (((long) room * membersPerRoom + j) % users));
        }
        return members;
    }

    /** The user who sends room {@code room}'s messages. */
    public int sender(int room) {
        return members(room).getFirst();
    }

    /** The members of room {@code room} that should see its messages in their /sync. */
    public List<Integer> observers(int room) {
        List<Integer> members = members(room);
        return members.subList(1, members.size());
    }

    /** The room message {@code index} goes to: round robin over the rooms. */
    public int roomOf(long index) {
        return (int) (index % rooms);
    }
}
