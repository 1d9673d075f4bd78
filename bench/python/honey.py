"""The 1Hive Honey supply model, transcribed from the seed (../shared/seeds/001_a19297b187876f33.txt).

The state, the parameters, the three policies, the ten state update functions and the one
partial state update block are the notebook's cells 2 to 5, unchanged but for comments. Both
bench drivers (cadcad_honey.py, radcad_honey.py) import this module, so cadCAD and radCAD run
the same Python code; `cargo xtask compare` times them against `tokensim run honey`.
"""

import numpy as np

# Cell 2: the state variables and their initial values.
genesis_states = {
    'reserve': 7473,  # Current common pool balance
    'circulation': 18765,  # Total honey supply minus common pool balance (26238 - 7473)
    'size': 100000,  # Total market size in terms of fiat inflows per month
    'saturation': 0.0,  # Percent of market captured by 1hive
    'production': 0.0,  # Production state accounting for outflows and upkeep
    'utility': 0.0,  # representing diminishing marginal returns on production
    'price': 10,  # random walk biased towards a target price
    'target_price': 10,  # the implied valuation
    'netflow': 0.0,
    'adjustment': 0.0,
}

# Cell 3: the sweep, zipped as the seed writes it (9 subsets; single values are repeated).
params = {
    'throttle': [0.002, 0.004, 0.008, 0.002, 0.004, 0.008, 0.002, 0.004, 0.008],
    'outflow_rate': [0.05],
    'target_reserve_ratio': [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3],
    'valuation_ratio': [2],
    'productivity': [0.88],
    'growth': [0],
    'p_variance': [.25],
    'p_pull': [.75],
}

TIMESTEPS = 120


# Cell 4: the policies and state update functions.
def supply_policy(params, step, sH, s):
    outflow = s['reserve'] * params['outflow_rate']
    inflow = s['size'] * s['saturation'] / s['target_price']
    netflow = inflow - outflow
    reserve = s['reserve'] + netflow
    circulation = s['circulation'] - netflow
    supply = reserve + circulation
    ratio = reserve / supply
    e = (1 - ratio / params['target_reserve_ratio']) / 12
    if params['throttle'] != 0:
        if e < 0:
            adjustment = max(e, -params['throttle']) * supply
        else:
            adjustment = min(e, params['throttle']) * supply
    else:
        adjustment = e * supply
    return ({'netflow': netflow, 'adjustment': adjustment})


def saturation_process(params, step, sH, s):
    outflow = s['reserve'] * params['outflow_rate']
    production = s['production'] * (params['productivity'] ** 2) + outflow * (1 + params['productivity']) * s['price']
    utility = 10 * production / (production + s['size'])
    saturation = 1 / (1 + np.exp(-utility + 6))
    size = s['size'] * (1 + params['growth'])
    return ({'saturation': saturation, 'size': size, 'utility': utility, 'production': production})


def price_policy(params, step, sH, s):
    potential_inflows_per_token = s['size'] / (s['circulation'] + s['reserve'])
    adjusted_valuation_ratio = params['valuation_ratio'] / max(0.5, s['saturation'])
    supply_sensitivity = 1 / (s['circulation'] / (s['circulation'] + s['reserve'])) ** 2
    target_price = potential_inflows_per_token * adjusted_valuation_ratio * supply_sensitivity
    if np.random.random() < params['p_pull']:  # toward target
        if s['price'] < target_price:
            direction = 1
        else:
            direction = -1
    else:  # away from target
        if s['price'] < target_price:
            direction = -1
        else:
            direction = 1
    magnitude = np.abs(np.random.normal(0, params['p_variance']))
    price = s['price'] + s['price'] * direction * magnitude
    return ({'price': price, 'target_price': target_price})


def update_reserve(params, step, sH, s, _input):
    return ('reserve', s['reserve'] + _input['netflow'] + _input['adjustment'])


def update_utility(params, step, sH, s, _input):
    return ('utility', _input['utility'])


def update_production(params, step, sH, s, _input):
    return ('production', _input['production'])


def update_circulation(params, step, sH, s, _input):
    return ('circulation', s['circulation'] - _input['netflow'])


def update_size(params, step, sH, s, _input):
    return ('size', _input['size'])


def update_saturation(params, step, sH, s, _input):
    return ('saturation', _input['saturation'])


def update_price(params, step, sH, s, _input):
    return ('price', _input['price'])


def update_target_price(params, step, sH, s, _input):
    return ('target_price', _input['target_price'])


def update_netflow(params, step, sH, s, _input):
    return ('netflow', _input['netflow'])


def update_adjustment(params, step, sH, s, _input):
    return ('adjustment', _input['adjustment'])


# Cell 5: one partial state update block.
partial_state_update_blocks = [
    {
        'policies': {
            'supply_policy': supply_policy,
            'saturation_process': saturation_process,
            'price_policy': price_policy,
        },
        'variables': {
            'reserve': update_reserve,
            'circulation': update_circulation,
            'netflow': update_netflow,
            'adjustment': update_adjustment,
            'price': update_price,
            'target_price': update_target_price,
            'saturation': update_saturation,
            'utility': update_utility,
            'size': update_size,
            'production': update_production,
        },
    }
]


def write_index(df, path):
    """Writes the records' (subset, run, timestep, substep) index, one row per record, in order."""
    df[['subset', 'run', 'timestep', 'substep']].to_csv(path, index=False)
